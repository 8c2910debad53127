package dev.baton.runtime.param;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of one model replica in declaration order; closing it releases every buffer. */
public final class ParamSet implements AutoCloseable {
    private final Map<String, Param> params = new LinkedHashMap<>();

    public void add(Param p) {
        if (params.putIfAbsent(p.name(), p) != null) {
            throw new IllegalArgumentException("duplicate parameter " + p.name());
        }
    }

    public Param get(String name) {
        Param p = params.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter named " + name + "; known: " + params.keySet());
        }
        return p;
    }

    public boolean contains(String name) {
        return params.containsKey(name);
    }

    public Collection<Param> all() {
        return Collections.unmodifiableCollection(params.values());
    }

    @Override
    public void close() {
        for (Param p : params.values()) {
            p.value().close();
            p.grad().close();
        }
        params.clear();
    }
}
