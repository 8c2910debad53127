"""Cross-checks of baton_ref against the record's own definitions (loaded by record_source)."""
import math

import numpy as np
import torch

from baton_ref.batches import BosLoader, document_stream
from baton_ref.config import record_small
from baton_ref.model import GPT, ForwardSchedule
from baton_ref.optim import NorMuonAndAdam, normuon_variance_reduction, polar_express, record_param_table
from baton_ref.schedule import Schedule
from checks import record_source
from checks.report import check, rel_err


def randomized_model(dev, seed=99):
    mc, sc, _ = record_small()
    m = GPT(mc, device=dev)
    m.portable_init(1234)
    g = torch.Generator(device="cpu").manual_seed(seed)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if n == "embed":
                continue
            scale = {"lm_head": 0.05, "scalars": 0.3, "x0_lambdas": 0.3}.get(n, 0.2)
            p.add_(scale * torch.randn(p.shape, generator=g).to(dev))
        m.embed.copy_(m.lm_head.T + 0.05 * torch.randn(m.embed.shape, generator=g).to(dev))
    return m, mc, sc


def check_record_model(dev, record_path):
    """(b) loss and every gradient equal the record's own GPT.forward (fp32, FP8 off, dense attention)."""
    mine, mc, sc = randomized_model(dev)
    rec = record_source.load(record_path, record_source.record_args(sc, mc), dev)
    ref = rec.GPT(vocab_size=mc.vocab_size, num_layers=mc.num_layers, num_heads=mc.num_heads,
                  head_dim=mc.head_dim, model_dim=mc.model_dim, max_seq_len=512).to(dev)
    sd = {k.replace(".weight", ""): v for k, v in ref.state_dict().items()}
    assert set(sd) == set(dict(mine.named_parameters())), set(sd) ^ set(dict(mine.named_parameters()))
    with torch.no_grad():
        for k, v in ref.state_dict().items():
            src = dict(mine.named_parameters())[k.replace(".weight", "")]
            assert v.shape == src.shape, (k, v.shape, src.shape)
            v.copy_(src)
    tokens = document_stream(5, 200, 5, 70)
    loader = BosLoader(tokens, 256)
    sched = Schedule(sc)
    for label, step, T in [("step0", 0, 128), ("step3", 3, 192), ("step6", 6, 256)]:
        inputs, targets, cu = loader.next_batch(T)
        ws_short, ws_long = sched.get_ws(step)
        # bring both models' YaRN state to this step's window
        mine.yarn.reset(); mine.yarn_paired_head.reset(); ref.yarn.reset(); ref.yarn_paired_head.reset()
        for _, old, new in sched.yarn_transitions():
            if new <= ws_long:
                for y in (mine.yarn, mine.yarn_paired_head, ref.yarn, ref.yarn_paired_head):
                    y.apply(old, new)
        mtp = sched.mtp_weights(step)
        inp = torch.from_numpy(inputs.astype(np.int64)).to(dev)
        tgt = torch.from_numpy(targets.astype(np.int64)).to(dev)
        cut = torch.from_numpy(cu.astype(np.int64)).to(dev)
        for p in list(mine.parameters()) + list(ref.parameters()):
            p.grad = None
        mine.train(); ref.train()
        lm = mine(inp, tgt, cut, ForwardSchedule(mtp, ws_short, ws_long), training=True)
        lr = ref(inp.to(torch.int32), tgt, cut.to(torch.int32),
                 rec.ForwardScheduleConfig(mtp_weights=torch.tensor(mtp, device=dev), ws_short=ws_short,
                                           ws_long=ws_long))
        lm.backward(); lr.backward()
        e = abs(lm.item() - lr.item()) / abs(lr.item())
        check(f"record_gpt_loss {label} (T={T}, ws=({ws_short},{ws_long}), mtp={mtp})", e < 1e-5,
              f"mine={lm.item():.6f} record={lr.item():.6f} rel={e:.2e}")
        worst = ("", 0.0)
        rp = {k.replace(".weight", ""): v for k, v in ref.named_parameters()}
        for n, p in mine.named_parameters():
            eg = rel_err(p.grad, rp[n].grad)
            if eg > worst[1]:
                worst = (n, eg)
            if eg > 1e-4:
                check(f"record_gpt_grad {label} {n}", False, f"rel_err={eg:.2e}")
        check(f"record_gpt_grads {label} (all {len(rp)} params)", worst[1] <= 1e-4,
              f"worst={worst[0]} rel_err={worst[1]:.2e}")
        mine.eval(); ref.eval()
        with torch.no_grad():
            em = mine(inp, tgt, cut, ForwardSchedule(mtp, ws_short, ws_long), training=False)
            er = ref(inp.to(torch.int32), tgt, cut.to(torch.int32),
                     rec.ForwardScheduleConfig(mtp_weights=torch.tensor(mtp, device=dev), ws_short=ws_short,
                                               ws_long=ws_long))
        e = abs(em.item() - er.item()) / abs(er.item())
        check(f"record_gpt_eval_loss {label}", e < 1e-5, f"mine={em.item():.6f} record={er.item():.6f}")
    return rec


def check_record_optimizer_parts(dev, rec):
    """Polar express and the variance normalisation equal the record's functions (fp32 casts)."""
    g = torch.Generator(device="cpu").manual_seed(3)
    for shape in [(40, 64, 64), (24, 256, 64)]:
        G = torch.randn(shape, generator=g).to(dev)
        e = rel_err(polar_express(G), rec.polar_express(G.clone()))
        check(f"polar_express_vs_record {shape}", e < 1e-4, f"rel_err={e:.2e}")
        V = polar_express(G)
        red = (shape[0], shape[1], 1)
        s1 = torch.rand(red, generator=g).to(dev)
        s2 = s1.clone()
        a = normuon_variance_reduction(V.clone(), s1, 0.95)
        b = rec.NorMuonAndAdam._apply_normuon_variance_reduction(V.clone(), s2, 0.95, -1)
        e = max(rel_err(a, b), rel_err(s1, s2))
        check(f"normuon_variance_vs_record {shape}", e < 1e-5, f"rel_err={e:.2e}")


def check_schedules(rec, sc):
    """Schedules equal the record's functions under the record-small args."""
    sched = Schedule(sc)
    mtp = rec.TrainingManager._build_mtp_schedule(None)
    ok = True
    for s in range(sc.num_iterations):
        ok &= sched.get_lr(s) == rec.get_lr(s) and sched.get_ws(s) == rec.get_ws(s)
        ok &= sched.get_bs(s) == rec.get_bs(s)
        ok &= sched.momentum(s) == rec.get_muon_momentum(s, muon_warmup_steps=sc.muon_warmup_steps,
                                                           muon_cooldown_steps=sc.muon_cooldown_steps)
        ok &= torch.equal(torch.tensor(sched.mtp_weights(s)).float(), mtp[s].cpu().float())
    ok &= sched.split_step == (math.ceil(sc.split_embed_frac * sc.num_scheduled_iterations) | 1) == 5
    check("schedules_vs_record", ok, f"split_step={sched.split_step} transitions={sched.yarn_transitions()}")


def check_loader(rec):
    """BOS-aligned cutting equals the record's BOSFinder."""
    tokens = document_stream(20240520, 400, 5, 70)
    mine = BosLoader(tokens, 256)
    finder = rec.BOSFinder(torch.from_numpy(tokens), world_size=1, quickload=False)
    ok = True
    for T in [128, 128, 192, 192, 256, 256, 256, 256]:
        starts, ends = finder.next_batch(T, 256)
        s, e = np.array(starts[0]), np.array(ends[0])
        buf = np.concatenate([tokens[a:b] for a, b in zip(s, e)])
        e[-1] -= 1
        cu = np.concatenate([[0], np.cumsum(e - s)])
        inp, tgt, mcu = mine.next_batch(T)
        ok &= np.array_equal(inp, buf[:-1]) and np.array_equal(tgt, buf[1:]) and np.array_equal(mcu, cu)
    check("loader_vs_record_bosfinder", ok)




def _bf16_master(p: torch.Tensor, mantissa: torch.Tensor) -> torch.Tensor:
    """The record's fp32 master weight of a bf16 NorMuon param: bf16 bits << 16 | mantissa."""
    hi = p.detach().view(torch.int16).cpu().numpy().view(np.uint16).astype(np.uint32).reshape(-1)
    lo = mantissa.view(torch.int16).cpu().numpy().view(np.uint16).astype(np.uint32).reshape(-1)
    return torch.from_numpy(((hi << 16) | lo).view(np.float32))


def check_record_optimizer_steps(dev, rec):
    """8 steps of the record's TrainingManager.step_optimizers vs NorMuonAndAdam here, on fixed grads.

    The record keeps the banks bf16 with a 16-bit mantissa side buffer: its fp32 master weights are
    compared. Other params stay fp32 on both sides. Covers the param table, lr/wd rules, Adam on odd
    steps with accumulated grads, the tie, the untie hand-over at the split step and the schedules.
    """
    mine, mc, sc = randomized_model(dev, seed=5)
    with torch.no_grad():
        for n in ("attn_bank", "mlp_bank"):
            getattr(mine, n).copy_(getattr(mine, n).bfloat16().float())
        mine.embed.copy_(mine.lm_head.T)
    rec.args = record_source.record_args(sc, mc)
    ref = rec.GPT(vocab_size=mc.vocab_size, num_layers=mc.num_layers, num_heads=mc.num_heads,
                  head_dim=mc.head_dim, model_dim=mc.model_dim, max_seq_len=512).to(dev)
    mp = dict(mine.named_parameters())
    with torch.no_grad():
        for k, v in ref.state_dict().items():
            v.copy_(mp[k.replace(".weight", "")])
    ref.attn_bank.data = ref.attn_bank.data.bfloat16()
    ref.mlp_bank.data = ref.mlp_bank.data.bfloat16()
    tm = rec.TrainingManager(ref)
    # the record's step_optimizers calls get_muon_momentum(step) with its 300/50 defaults baked in
    orig_momentum = rec.get_muon_momentum
    rec.get_muon_momentum = lambda step: orig_momentum(step, muon_warmup_steps=sc.muon_warmup_steps,
                                                       muon_cooldown_steps=sc.muon_cooldown_steps)
    rp = {k.replace(".weight", ""): v for k, v in ref.named_parameters()}
    opt = NorMuonAndAdam(mp, mine.bank_views, record_param_table(), record_small()[2])
    sched = Schedule(sc)
    g = torch.Generator(device="cpu").manual_seed(17)
    worst = ("", 0.0, -1)
    for step in range(sc.num_iterations):
        for n, p in mp.items():
            gr = torch.randn(p.shape, generator=g).to(dev)
            if n in ("attn_bank", "mlp_bank"):
                gr = gr.bfloat16()
            for q, gq in ((p, gr.float()), (rp[n], gr)):
                q.grad = gq.clone() if q.grad is None else q.grad + gq
        tm.step_optimizers(step)
        opt.step(sched.get_lr(step), sched.momentum(step), sched.is_adam_step(step))
        if step == sched.split_step:
            opt.copy_lm_state_to_embed()
        for n, p in mp.items():
            if n in ("attn_bank", "mlp_bank"):
                r = _bf16_master(rp[n], tm.optimizer.param_states[rp[n]]["mantissa"]).view(p.shape)
            else:
                r = rp[n].detach()
            e = rel_err(p, r)
            if e > worst[1]:
                worst = (n, e, step)
    rec.get_muon_momentum = orig_momentum
    ok = worst[1] < 1e-5 and tm.split_step == sched.split_step and tm.optimizer.split_embed
    check("optimizer_8_steps_vs_record", ok, f"worst={worst[0]} rel_err={worst[1]:.2e} at step {worst[2]}")
