package dev.baton.runtime.golf.artifact;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Int6 bit packing and the byte shuffle are exact inverses, at every length and stride. */
class BitPackAndShuffleTest {
    @Test
    void sixBitCodesPackFourToThreeBytesAndComeBackExactly() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 7, 8, 63, 64, 1001}) {
            byte[] codes = new byte[n];
            for (int i = 0; i < n; i++) {
                codes[i] = (byte) (i < 64 ? i - 32 : r.nextInt(-32, 32)); // every value once, then random
            }
            byte[] packed = BitPack6.pack(codes);
            assertEquals((n + 3) / 4 * 3, packed.length, "3 bytes per 4 codes at n=" + n);
            assertArrayEquals(codes, BitPack6.unpack(packed, 0, n), "n=" + n);
        }
        // the layout: c0 | c1 << 6 | c2 << 12 | c3 << 18, little-endian, codes as 6-bit two's complement
        byte[] packed = BitPack6.pack(new byte[] {1, -1, 0, -32});
        assertArrayEquals(new byte[] {(byte) 0xC1, 0x0F, (byte) 0x80}, packed);
        assertThrows(IllegalArgumentException.class, () -> BitPack6.pack(new byte[] {32}));
        assertThrows(IllegalArgumentException.class, () -> BitPack6.unpack(new byte[5], 0, 8));
    }

    @Test
    void shuffleGroupsBytesByPositionAndUnshuffleRestoresThem() {
        assertArrayEquals(new byte[] {0, 2, 4, 1, 3}, ByteShuffle.shuffle(new byte[] {0, 1, 2, 3, 4}, 2));
        assertArrayEquals(new byte[] {0, 3, 1, 4, 2}, ByteShuffle.shuffle(new byte[] {0, 1, 2, 3, 4}, 3));
        SplittableRandom r = new SplittableRandom(9);
        for (int stride = 1; stride <= 5; stride++) {
            for (int n : new int[] {0, 1, 2, 9, 100, 1023}) {
                byte[] in = new byte[n];
                r.nextBytes(in);
                byte[] s = ByteShuffle.shuffle(in, stride);
                assertArrayEquals(in, ByteShuffle.unshuffle(s, stride), "stride " + stride + " n " + n);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ByteShuffle.shuffle(new byte[3], 0));
    }
}
