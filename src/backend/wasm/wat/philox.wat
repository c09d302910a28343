  ;; ---------------------------------------------------------------- Philox4x32-10 (wat/philox.wat) ---------------
  ;;
  ;; The counter-based generator of src/random (streams.ts documents the counter layout), four blocks at a time in
  ;; i32x4 lanes, producing exactly the words of the TypeScript philox4x32. A "quad" is 4 consecutive blocks
  ;; b .. b+3; it is stored structure-of-arrays as 64 bytes: the four x0 words, then x1, x2, x3 (word w of block
  ;; b+j at byte 16·w + 4·j). The 32×32→64-bit products of a round come from i64x2.extmul_{low,high}_i32x4_u; one
  ;; byte shuffle gathers their high halves, i32x4.mul gives the low halves.
  ;;
  ;; philox_words: SoA quads for blocks b0 .. b0+4·nq-1 (b0 = bhi·2^32 + blo) under key (k0, k1), counter
  ;;   (b mod 2^32, floor(b / 2^32), c2, tag); the streams use c2 = 0, tag = 0.
  ;; philox_uniform_f64 / _f32: the uniform stream (tag 0) of blocks b0 .. b0+nb-1 written in element order
  ;;   (2 elements per block; dst holds 2·nb values, rounded up to whole quads: up to 3 blocks' worth past the end
  ;;   are written too). `scratch` is a 4 KiB work area (64 quads).
  ;; philox_rademacher_f64 / _f32: the Rademacher stream (4 elements per block, sign from bit 31), same conventions.
  ;; bootstrap_sum_f64: Σ_{i<n} data[floor(u_i·n)] with u the float64 uniform stream of key (k0, k1) (elements
  ;;   0 .. n-1, 53-bit recipe), fused: no uniform array is materialised; two f64x2 accumulators plus a tail.
  ;; bootstrap_sum_counts_f64: the same sum through byte counters (better locality for large n; see the function);
  ;;   its scratch is 6 KiB (the Philox words, then the batch's indices).
  ;; bootstrap_means_f64: out[j] = bootstrap_sum(foldIn(key, r0 + j)) / n for j < count, r0 = rhi·2^32 + rlo, with
  ;;   the counters kernel when `counts` ≠ 0 (n zeroed bytes there), else the gather kernel.

  ;; one Philox4x32-10 of a scalar counter (c0, c1, 0, tag) under (k0, k1); returns words 0 and 1 as w0 | w1 << 32
  (func $philox_key (param $k0 i32) (param $k1 i32) (param $c0 i32) (param $c1 i32) (param $tag i32) (result i64)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32) (local $p0 i64) (local $p1 i64) (local $r i32)
    (local.set $x0 (local.get $c0)) (local.set $x1 (local.get $c1)) (local.set $x3 (local.get $tag))
    (local.set $r (i32.const 10))
    (loop $round
      (local.set $p0 (i64.mul (i64.extend_i32_u (local.get $x0)) (i64.const 0xd2511f53)))
      (local.set $p1 (i64.mul (i64.extend_i32_u (local.get $x2)) (i64.const 0xcd9e8d57)))
      (local.set $x0 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p1) (i64.const 32))) (local.get $x1)) (local.get $k0)))
      (local.set $x1 (i32.wrap_i64 (local.get $p1)))
      (local.set $x2 (i32.xor (i32.xor (i32.wrap_i64 (i64.shr_u (local.get $p0) (i64.const 32))) (local.get $x3)) (local.get $k1)))
      (local.set $x3 (i32.wrap_i64 (local.get $p0)))
      (local.set $k0 (i32.add (local.get $k0) (i32.const 0x9e3779b9)))
      (local.set $k1 (i32.add (local.get $k1) (i32.const 0xbb67ae85)))
      (br_if $round (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
    (i64.or (i64.extend_i32_u (local.get $x0)) (i64.shl (i64.extend_i32_u (local.get $x1)) (i64.const 32))))

  (func $philox_words (export "philox_words") (param $k0 i32) (param $k1 i32) (param $blo i32) (param $bhi i32) (param $c2 i32)
    (param $tag i32) (param $nq i32) (param $dst i32)
    (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128) (local $ka v128) (local $kb v128) (local $m0 v128) (local $m1 v128)
    (local $h0 v128) (local $h1 v128) (local $t v128) (local $r i32) (local $end i32)
    (local $x0a v128) (local $x1a v128) (local $x2a v128) (local $x3a v128) (local $x0b v128) (local $x1b v128) (local $x2b v128) (local $x3b v128)
    (local.set $m0 (i32x4.splat (i32.const 0xd2511f53)))
    (local.set $m1 (i32x4.splat (i32.const 0xcd9e8d57)))
    ;; lane j counts block b0 + j; a lane whose low word wrapped carries into the high word
    (local.set $c0 (i32x4.add (i32x4.splat (local.get $blo)) (v128.const i32x4 0 1 2 3)))
    (local.set $c1 (i32x4.sub (i32x4.splat (local.get $bhi)) (i32x4.lt_u (local.get $c0) (i32x4.splat (local.get $blo)))))
    (local.set $end (i32.add (local.get $dst) (i32.shl (local.get $nq) (i32.const 6))))
    ;; two quads (8 blocks) per iteration, interleaved so that their dependency chains overlap
    (block $done (loop $pair
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (local.set $d0 (i32x4.add (local.get $c0) (v128.const i32x4 4 4 4 4)))
      (local.set $d1 (i32x4.sub (local.get $c1) (i32x4.lt_u (local.get $d0) (local.get $c0))))
      (local.set $x0a (local.get $c0)) (local.set $x1a (local.get $c1))
      (local.set $x0b (local.get $d0)) (local.set $x1b (local.get $d1))
      (local.set $x2a (i32x4.splat (local.get $c2))) (local.set $x3a (i32x4.splat (local.get $tag)))
      (local.set $x2b (local.get $x2a)) (local.set $x3b (local.get $x3a))
      (local.set $ka (i32x4.splat (local.get $k0))) (local.set $kb (i32x4.splat (local.get $k1)))
      (local.set $r (i32.const 5))
      (loop $round
        ;; round: (x0, x1, x2, x3) ← (hi(M1·x2) ^ x1 ^ ka, lo(M1·x2), hi(M0·x0) ^ x3 ^ kb, lo(M0·x0)); two rounds an iteration
        ;; quad A
        (local.set $t (local.get $x3a))
        (local.set $h0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x0a) (local.get $m0)) (i64x2.extmul_high_i32x4_u (local.get $x0a) (local.get $m0))))
        (local.set $h1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x2a) (local.get $m1)) (i64x2.extmul_high_i32x4_u (local.get $x2a) (local.get $m1))))
        (local.set $x3a (i32x4.mul (local.get $x0a) (local.get $m0)))
        (local.set $x0a (v128.xor (v128.xor (local.get $h1) (local.get $x1a)) (local.get $ka)))
        (local.set $x1a (i32x4.mul (local.get $x2a) (local.get $m1)))
        (local.set $x2a (v128.xor (v128.xor (local.get $h0) (local.get $t)) (local.get $kb)))
        ;; quad B
        (local.set $t (local.get $x3b))
        (local.set $h0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x0b) (local.get $m0)) (i64x2.extmul_high_i32x4_u (local.get $x0b) (local.get $m0))))
        (local.set $h1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x2b) (local.get $m1)) (i64x2.extmul_high_i32x4_u (local.get $x2b) (local.get $m1))))
        (local.set $x3b (i32x4.mul (local.get $x0b) (local.get $m0)))
        (local.set $x0b (v128.xor (v128.xor (local.get $h1) (local.get $x1b)) (local.get $ka)))
        (local.set $x1b (i32x4.mul (local.get $x2b) (local.get $m1)))
        (local.set $x2b (v128.xor (v128.xor (local.get $h0) (local.get $t)) (local.get $kb)))
        (local.set $ka (i32x4.add (local.get $ka) (v128.const i32x4 0x9e3779b9 0x9e3779b9 0x9e3779b9 0x9e3779b9)))
        (local.set $kb (i32x4.add (local.get $kb) (v128.const i32x4 0xbb67ae85 0xbb67ae85 0xbb67ae85 0xbb67ae85)))
        ;; quad A
        (local.set $t (local.get $x3a))
        (local.set $h0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x0a) (local.get $m0)) (i64x2.extmul_high_i32x4_u (local.get $x0a) (local.get $m0))))
        (local.set $h1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x2a) (local.get $m1)) (i64x2.extmul_high_i32x4_u (local.get $x2a) (local.get $m1))))
        (local.set $x3a (i32x4.mul (local.get $x0a) (local.get $m0)))
        (local.set $x0a (v128.xor (v128.xor (local.get $h1) (local.get $x1a)) (local.get $ka)))
        (local.set $x1a (i32x4.mul (local.get $x2a) (local.get $m1)))
        (local.set $x2a (v128.xor (v128.xor (local.get $h0) (local.get $t)) (local.get $kb)))
        ;; quad B
        (local.set $t (local.get $x3b))
        (local.set $h0 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x0b) (local.get $m0)) (i64x2.extmul_high_i32x4_u (local.get $x0b) (local.get $m0))))
        (local.set $h1 (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31
          (i64x2.extmul_low_i32x4_u (local.get $x2b) (local.get $m1)) (i64x2.extmul_high_i32x4_u (local.get $x2b) (local.get $m1))))
        (local.set $x3b (i32x4.mul (local.get $x0b) (local.get $m0)))
        (local.set $x0b (v128.xor (v128.xor (local.get $h1) (local.get $x1b)) (local.get $ka)))
        (local.set $x1b (i32x4.mul (local.get $x2b) (local.get $m1)))
        (local.set $x2b (v128.xor (v128.xor (local.get $h0) (local.get $t)) (local.get $kb)))
        (local.set $ka (i32x4.add (local.get $ka) (v128.const i32x4 0x9e3779b9 0x9e3779b9 0x9e3779b9 0x9e3779b9)))
        (local.set $kb (i32x4.add (local.get $kb) (v128.const i32x4 0xbb67ae85 0xbb67ae85 0xbb67ae85 0xbb67ae85)))
        (br_if $round (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (v128.store (local.get $dst) (local.get $x0a))
      (v128.store offset=16 (local.get $dst) (local.get $x1a))
      (v128.store offset=32 (local.get $dst) (local.get $x2a))
      (v128.store offset=48 (local.get $dst) (local.get $x3a))
      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
      (br_if $done (i32.ge_u (local.get $dst) (local.get $end)))
      (v128.store (local.get $dst) (local.get $x0b))
      (v128.store offset=16 (local.get $dst) (local.get $x1b))
      (v128.store offset=32 (local.get $dst) (local.get $x2b))
      (v128.store offset=48 (local.get $dst) (local.get $x3b))
      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
      (local.set $c0 (i32x4.add (local.get $d0) (v128.const i32x4 4 4 4 4)))
      (local.set $c1 (i32x4.sub (local.get $d1) (i32x4.lt_u (local.get $c0) (local.get $d0))))
      (br $pair))))

  ;; the float64 uniforms (53-bit recipe) of the two blocks in lanes 0-1 of (hi, lo) words: m = hi·2^21 + (lo >>> 11), u = m·2^-53
  (func $u53 (param $hi v128) (param $lo v128) (result v128)
    (f64x2.mul
      (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $hi)) (v128.const f64x2 2097152 2097152))
                 (f64x2.convert_low_i32x4_u (i32x4.shr_u (local.get $lo) (i32.const 11))))
      (v128.const f64x2 0x1p-53 0x1p-53)))

  (func (export "philox_uniform_f64") (param $k0 i32) (param $k1 i32) (param $blo i32) (param $bhi i32) (param $nb i32)
    (param $dst i32) (param $scratch i32)
    (local $nq i32) (local $batch i32) (local $p i32) (local $pend i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $a v128) (local $b v128)
    (local.set $nq (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)))
    (block $done (loop $batches
      (br_if $done (i32.eqz (local.get $nq)))
      (local.set $batch (select (local.get $nq) (i32.const 64) (i32.lt_u (local.get $nq) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (local.get $blo) (local.get $bhi) (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $batch) (i32.const 6))))
      (loop $quads
        (local.set $x0 (v128.load (local.get $p))) (local.set $x1 (v128.load offset=16 (local.get $p)))
        (local.set $x2 (v128.load offset=32 (local.get $p))) (local.set $x3 (v128.load offset=48 (local.get $p)))
        ;; blocks 0, 1: elements (w0,w1) and (w2,w3) of each block, interleaved
        (local.set $a (call $u53 (local.get $x0) (local.get $x1)))
        (local.set $b (call $u53 (local.get $x2) (local.get $x3)))
        (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        ;; blocks 2, 3
        (local.set $a (call $u53 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x0) (local.get $x0))
                                 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x1) (local.get $x1))))
        (local.set $b (call $u53 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x2) (local.get $x2))
                                 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x3) (local.get $x3))))
        (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br_if $quads (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 64))) (local.get $pend))))
      (local.set $nq (i32.sub (local.get $nq) (local.get $batch)))
      ;; next batch starts 4·batch blocks later (carry into the high word)
      (local.set $p (i32.add (local.get $blo) (i32.shl (local.get $batch) (i32.const 2))))
      (local.set $bhi (i32.add (local.get $bhi) (i32.lt_u (local.get $p) (local.get $blo))))
      (local.set $blo (local.get $p))
      (br $batches))))

  (func (export "philox_uniform_f32") (param $k0 i32) (param $k1 i32) (param $blo i32) (param $bhi i32) (param $nb i32)
    (param $dst i32) (param $scratch i32)
    (local $nq i32) (local $batch i32) (local $p i32) (local $pend i32) (local $a v128) (local $b v128)
    (local.set $nq (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)))
    (block $done (loop $batches
      (br_if $done (i32.eqz (local.get $nq)))
      (local.set $batch (select (local.get $nq) (i32.const 64) (i32.lt_u (local.get $nq) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (local.get $blo) (local.get $bhi) (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $batch) (i32.const 6))))
      (loop $quads
        ;; element 2b = (w0 >>> 8)·2^-24, element 2b+1 = (w2 >>> 8)·2^-24 (exact in float32)
        (local.set $a (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (v128.load (local.get $p)) (i32.const 8)))
          (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24)))
        (local.set $b (f32x4.mul (f32x4.convert_i32x4_s (i32x4.shr_u (v128.load offset=32 (local.get $p)) (i32.const 8)))
          (v128.const f32x4 0x1p-24 0x1p-24 0x1p-24 0x1p-24)))
        (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
        (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
        (br_if $quads (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 64))) (local.get $pend))))
      (local.set $nq (i32.sub (local.get $nq) (local.get $batch)))
      (local.set $p (i32.add (local.get $blo) (i32.shl (local.get $batch) (i32.const 2))))
      (local.set $bhi (i32.add (local.get $bhi) (i32.lt_u (local.get $p) (local.get $blo))))
      (local.set $blo (local.get $p))
      (br $batches))))

  ;; Rademacher words of a quad, transposed to element order: returns in memory at $p (overwriting the quad) the
  ;; 16 sign words s = ~w & 0x80000000, block by block (element 4b+q = word q of block b).
  (func $rademacher_signs (param $p i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $v0 (v128.andnot (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000) (v128.load (local.get $p))))
    (local.set $v1 (v128.andnot (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000) (v128.load offset=16 (local.get $p))))
    (local.set $v2 (v128.andnot (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000) (v128.load offset=32 (local.get $p))))
    (local.set $v3 (v128.andnot (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000) (v128.load offset=48 (local.get $p))))
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v0) (local.get $v1)))
    (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $v2) (local.get $v3)))
    (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v0) (local.get $v1)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $v2) (local.get $v3)))
    (v128.store (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
    (v128.store offset=16 (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
    (v128.store offset=32 (local.get $p) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
    (v128.store offset=48 (local.get $p) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

  (func (export "philox_rademacher_f32") (param $k0 i32) (param $k1 i32) (param $blo i32) (param $bhi i32) (param $nb i32)
    (param $dst i32) (param $scratch i32)
    (local $nq i32) (local $batch i32) (local $p i32) (local $pend i32)
    (local.set $nq (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)))
    (block $done (loop $batches
      (br_if $done (i32.eqz (local.get $nq)))
      (local.set $batch (select (local.get $nq) (i32.const 64) (i32.lt_u (local.get $nq) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (local.get $blo) (local.get $bhi) (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $batch) (i32.const 6))))
      (loop $quads
        (call $rademacher_signs (local.get $p))
        ;; ±1.0f = sign | 0x3f800000
        (v128.store (local.get $dst) (v128.or (v128.load (local.get $p)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (v128.store offset=16 (local.get $dst) (v128.or (v128.load offset=16 (local.get $p)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (v128.store offset=32 (local.get $dst) (v128.or (v128.load offset=32 (local.get $p)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (v128.store offset=48 (local.get $dst) (v128.or (v128.load offset=48 (local.get $p)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (br_if $quads (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 64))) (local.get $pend))))
      (local.set $nq (i32.sub (local.get $nq) (local.get $batch)))
      (local.set $p (i32.add (local.get $blo) (i32.shl (local.get $batch) (i32.const 2))))
      (local.set $bhi (i32.add (local.get $bhi) (i32.lt_u (local.get $p) (local.get $blo))))
      (local.set $blo (local.get $p))
      (br $batches))))

  (func (export "philox_rademacher_f64") (param $k0 i32) (param $k1 i32) (param $blo i32) (param $bhi i32) (param $nb i32)
    (param $dst i32) (param $scratch i32)
    (local $nq i32) (local $batch i32) (local $p i32) (local $pend i32) (local $s v128) (local $q i32)
    (local.set $nq (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)))
    (block $done (loop $batches
      (br_if $done (i32.eqz (local.get $nq)))
      (local.set $batch (select (local.get $nq) (i32.const 64) (i32.lt_u (local.get $nq) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (local.get $blo) (local.get $bhi) (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $batch) (i32.const 6))))
      (loop $quads
        (call $rademacher_signs (local.get $p))
        ;; each sign word becomes the high word of a float64: ±1.0 = sign << 32 | 0x3ff00000_00000000
        (local.set $q (i32.const 0))
        (loop $rows
          (local.set $s (v128.load (i32.add (local.get $p) (local.get $q))))
          (v128.store (local.get $dst) (v128.or (i8x16.shuffle 16 16 16 16 0 1 2 3 16 16 16 16 4 5 6 7 (local.get $s) (v128.const i32x4 0 0 0 0))
            (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)))
          (v128.store offset=16 (local.get $dst) (v128.or (i8x16.shuffle 16 16 16 16 8 9 10 11 16 16 16 16 12 13 14 15 (local.get $s) (v128.const i32x4 0 0 0 0))
            (v128.const i64x2 0x3ff0000000000000 0x3ff0000000000000)))
          (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
          (br_if $rows (i32.lt_u (local.tee $q (i32.add (local.get $q) (i32.const 16))) (i32.const 64))))
        (br_if $quads (i32.lt_u (local.tee $p (i32.add (local.get $p) (i32.const 64))) (local.get $pend))))
      (local.set $nq (i32.sub (local.get $nq) (local.get $batch)))
      (local.set $p (i32.add (local.get $blo) (i32.shl (local.get $batch) (i32.const 2))))
      (local.set $bhi (i32.add (local.get $bhi) (i32.lt_u (local.get $p) (local.get $blo))))
      (local.set $blo (local.get $p))
      (br $batches))))

  ;; gather-accumulate of the four uniforms in (hi, lo) lanes 0-3: acc += data[floor(m_j·c)] for j < 4, c = n·2^-53
  ;; (m·c rounds exactly like (m·2^-53)·n because the power-of-two scaling is exact)
  (func $gather4 (param $hi v128) (param $lo v128) (param $c v128) (param $data i32) (param $acc v128) (result v128)
    (local $ia v128) (local $ib v128) (local $lo11 v128)
    (local.set $lo11 (i32x4.shr_u (local.get $lo) (i32.const 11)))
    (local.set $ia (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
      (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $hi)) (v128.const f64x2 2097152 2097152))
                 (f64x2.convert_low_i32x4_u (local.get $lo11))))))
    (local.set $ib (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
      (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hi) (local.get $hi)))
                            (v128.const f64x2 2097152 2097152))
                 (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $lo11) (local.get $lo11)))))))
    (local.set $ia (i32x4.shl (local.get $ia) (i32.const 3)))
    (local.set $ib (i32x4.shl (local.get $ib) (i32.const 3)))
    (f64x2.add (local.get $acc) (f64x2.add
      (v128.load64_lane 1 (i32.add (local.get $data) (i32x4.extract_lane 1 (local.get $ia)))
        (v128.load64_zero (i32.add (local.get $data) (i32x4.extract_lane 0 (local.get $ia)))))
      (v128.load64_lane 1 (i32.add (local.get $data) (i32x4.extract_lane 1 (local.get $ib)))
        (v128.load64_zero (i32.add (local.get $data) (i32x4.extract_lane 0 (local.get $ib))))))))

  (func $bootstrap_sum (export "bootstrap_sum_f64") (param $data i32) (param $n i32) (param $k0 i32) (param $k1 i32) (param $scratch i32) (result f64)
    (local $nq i32) (local $full i32) (local $qdone i32) (local $batch i32) (local $p i32) (local $pend i32) (local $last i32)
    (local $c v128) (local $acc0 v128) (local $acc1 v128) (local $e i32) (local $tail i32) (local $w i32) (local $s f64) (local $cs f64)
    (local.set $cs (f64.mul (f64.convert_i32_u (local.get $n)) (f64.const 0x1p-53)))
    (local.set $c (f64x2.splat (local.get $cs)))
    (local.set $nq (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $full (i32.shr_u (local.get $n) (i32.const 3)))
    (block $done (loop $batches
      (br_if $done (i32.ge_u (local.get $qdone) (local.get $nq)))
      (local.set $batch (i32.sub (local.get $nq) (local.get $qdone)))
      (local.set $batch (select (local.get $batch) (i32.const 64) (i32.lt_u (local.get $batch) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (i32.shl (local.get $qdone) (i32.const 2)) (i32.shr_u (local.get $qdone) (i32.const 30))
        (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      ;; whole quads of this batch (8 elements each)
      (local.set $last (i32.sub (local.get $full) (local.get $qdone)))
      (local.set $last (select (local.get $batch) (local.get $last) (i32.lt_u (local.get $batch) (local.get $last))))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $last) (i32.const 6))))
      (block $qdone_ (loop $quads
        (br_if $qdone_ (i32.ge_u (local.get $p) (local.get $pend)))
        (local.set $acc0 (call $gather4 (v128.load (local.get $p)) (v128.load offset=16 (local.get $p)) (local.get $c) (local.get $data) (local.get $acc0)))
        (local.set $acc1 (call $gather4 (v128.load offset=32 (local.get $p)) (v128.load offset=48 (local.get $p)) (local.get $c) (local.get $data) (local.get $acc1)))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $quads)))
      (local.set $qdone (i32.add (local.get $qdone) (local.get $batch)))
      (br $batches)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
    ;; the last, partial quad (n mod 8 elements) is the last quad of the last batch, at $p
    (local.set $tail (i32.and (local.get $n) (i32.const 7)))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $e) (local.get $tail)))
      ;; element e of the quad: block j = e >> 1, words 2q, 2q+1 with q = e & 1; word w of block j at 16·w + 4·j
      (local.set $w (i32.add (local.get $p) (i32.add (i32.shl (i32.and (local.get $e) (i32.const 1)) (i32.const 5))
                                                      (i32.shl (i32.shr_u (local.get $e) (i32.const 1)) (i32.const 2)))))
      (local.set $s (f64.add (local.get $s) (f64.load (i32.add (local.get $data) (i32.shl
        (i32.trunc_sat_f64_u (f64.mul (local.get $cs)
          (f64.add (f64.mul (f64.convert_i32_u (i32.load (local.get $w))) (f64.const 2097152))
                   (f64.convert_i32_u (i32.shr_u (i32.load offset=16 (local.get $w)) (i32.const 11))))))
        (i32.const 3))))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br $t)))
    (local.get $s))

  ;; bootstrap_sum_counts_f64: the same sum as bootstrap_sum_f64 with better locality for large n: the draws only
  ;; increment byte counters counts[idx] (n bytes, zero on entry and on return; a counter that wraps past 255 adds
  ;; 256·data[idx] at once), then one streaming pass adds Σ_j counts[j]·data[j]. The random accesses touch n bytes
  ;; instead of 8n, so they stay in cache (and in the TLB) for samples of millions of values.
  (func $bootstrap_sum_counts (export "bootstrap_sum_counts_f64") (param $data i32) (param $n i32) (param $k0 i32) (param $k1 i32)
    (param $scratch i32) (param $counts i32) (result f64)
    ;; scratch: 4 KiB of Philox words, then 2 KiB of the batch's indices
    (local $nq i32) (local $full i32) (local $qdone i32) (local $batch i32) (local $p i32) (local $pend i32) (local $last i32)
    (local $c v128) (local $hi v128) (local $lo11 v128) (local $ia v128) (local $ib v128) (local $i i32) (local $v i32) (local $over f64)
    (local $e i32) (local $tail i32) (local $w i32) (local $cs f64) (local $acc0 v128) (local $acc1 v128) (local $q v128) (local $j i32) (local $end4 i32) (local $ip i32) (local $iend i32)
    (local.set $cs (f64.mul (f64.convert_i32_u (local.get $n)) (f64.const 0x1p-53)))
    (local.set $c (f64x2.splat (local.get $cs)))
    (local.set $nq (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $full (i32.shr_u (local.get $n) (i32.const 3)))
    (block $done (loop $batches
      (br_if $done (i32.ge_u (local.get $qdone) (local.get $nq)))
      (local.set $batch (i32.sub (local.get $nq) (local.get $qdone)))
      (local.set $batch (select (local.get $batch) (i32.const 64) (i32.lt_u (local.get $batch) (i32.const 64))))
      (call $philox_words (local.get $k0) (local.get $k1) (i32.shl (local.get $qdone) (i32.const 2)) (i32.shr_u (local.get $qdone) (i32.const 30))
        (i32.const 0) (i32.const 0) (local.get $batch) (local.get $scratch))
      (local.set $p (local.get $scratch))
      (local.set $last (i32.sub (local.get $full) (local.get $qdone)))
      (local.set $last (select (local.get $batch) (local.get $last) (i32.lt_u (local.get $batch) (local.get $last))))
      (local.set $pend (i32.add (local.get $scratch) (i32.shl (local.get $last) (i32.const 6))))
      (local.set $ip (i32.add (local.get $scratch) (i32.const 4096)))
      (block $qdone_ (loop $quads
        (br_if $qdone_ (i32.ge_u (local.get $p) (local.get $pend)))
        (local.set $lo11 (i32x4.shr_u (v128.load offset=16 (local.get $p)) (i32.const 11)))
        (local.set $hi (v128.load (local.get $p)))
        (local.set $ia (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
          (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $hi)) (v128.const f64x2 2097152 2097152))
                     (f64x2.convert_low_i32x4_u (local.get $lo11))))))
        (local.set $ib (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
          (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hi) (local.get $hi)))
                                (v128.const f64x2 2097152 2097152))
                     (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $lo11) (local.get $lo11)))))))
        (v128.store64_lane offset=0 0 (local.get $ip) (local.get $ia))
        (v128.store64_lane offset=8 0 (local.get $ip) (local.get $ib))
        (local.set $lo11 (i32x4.shr_u (v128.load offset=48 (local.get $p)) (i32.const 11)))
        (local.set $hi (v128.load offset=32 (local.get $p)))
        (local.set $ia (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
          (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $hi)) (v128.const f64x2 2097152 2097152))
                     (f64x2.convert_low_i32x4_u (local.get $lo11))))))
        (local.set $ib (i32x4.trunc_sat_f64x2_u_zero (f64x2.mul (local.get $c)
          (f64x2.add (f64x2.mul (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $hi) (local.get $hi)))
                                (v128.const f64x2 2097152 2097152))
                     (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $lo11) (local.get $lo11)))))))
        (v128.store64_lane offset=16 0 (local.get $ip) (local.get $ia))
        (v128.store64_lane offset=24 0 (local.get $ip) (local.get $ib))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (local.set $ip (i32.add (local.get $ip) (i32.const 32)))
        (br $quads)))
      ;; the increments of this batch, in a tight loop of independent read-modify-writes (more of them in flight)
      (local.set $iend (local.get $ip))
      (local.set $ip (i32.add (local.get $scratch) (i32.const 4096)))
      (block $idone (loop $inc
        (br_if $idone (i32.ge_u (local.get $ip) (local.get $iend)))
        (local.set $i (i32.load (local.get $ip)))
        (local.set $v (i32.and (i32.add (i32.load8_u (i32.add (local.get $counts) (local.get $i))) (i32.const 1)) (i32.const 255)))
        (i32.store8 (i32.add (local.get $counts) (local.get $i)) (local.get $v))
        (if (i32.eqz (local.get $v)) (then (local.set $over (f64.add (local.get $over)
          (f64.mul (f64.load (i32.add (local.get $data) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 256))))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 4)))
        (br $inc)))
      (local.set $qdone (i32.add (local.get $qdone) (local.get $batch)))
      (br $batches)))
    ;; the last, partial quad (n mod 8 elements)
    (local.set $tail (i32.and (local.get $n) (i32.const 7)))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $e) (local.get $tail)))
      (local.set $w (i32.add (local.get $p) (i32.add (i32.shl (i32.and (local.get $e) (i32.const 1)) (i32.const 5))
                                                      (i32.shl (i32.shr_u (local.get $e) (i32.const 1)) (i32.const 2)))))
      (local.set $i (i32.trunc_sat_f64_u (f64.mul (local.get $cs)
          (f64.add (f64.mul (f64.convert_i32_u (i32.load (local.get $w))) (f64.const 2097152))
                   (f64.convert_i32_u (i32.shr_u (i32.load offset=16 (local.get $w)) (i32.const 11)))))))
        (local.set $v (i32.and (i32.add (i32.load8_u (i32.add (local.get $counts) (local.get $i))) (i32.const 1)) (i32.const 255)))
        (i32.store8 (i32.add (local.get $counts) (local.get $i)) (local.get $v))
        (if (i32.eqz (local.get $v)) (then (local.set $over (f64.add (local.get $over)
          (f64.mul (f64.load (i32.add (local.get $data) (i32.shl (local.get $i) (i32.const 3)))) (f64.const 256))))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br $t)))
    ;; Σ counts[j]·data[j], four counters at a time, then the remainder
    (local.set $end4 (i32.and (local.get $n) (i32.const -4)))
    (block $sdone (loop $s
      (br_if $sdone (i32.ge_u (local.get $j) (local.get $end4)))
      (local.set $q (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $counts) (local.get $j))))))
      (local.set $i (i32.add (local.get $data) (i32.shl (local.get $j) (i32.const 3))))
      (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (f64x2.convert_low_i32x4_u (local.get $q)) (v128.load (local.get $i)))))
      (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul
        (f64x2.convert_low_i32x4_u (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $q) (local.get $q)))
        (v128.load offset=16 (local.get $i)))))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $s)))
    (local.set $acc0 (f64x2.add (local.get $acc0) (local.get $acc1)))
    (local.set $over (f64.add (local.get $over) (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0)))))
    (block $rdone (loop $r
      (br_if $rdone (i32.ge_u (local.get $j) (local.get $n)))
      (local.set $over (f64.add (local.get $over) (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $counts) (local.get $j))))
        (f64.load (i32.add (local.get $data) (i32.shl (local.get $j) (i32.const 3)))))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $r)))
    (memory.fill (local.get $counts) (i32.const 0) (local.get $n))
    (local.get $over))

  (func (export "bootstrap_means_f64") (param $data i32) (param $n i32) (param $k0 i32) (param $k1 i32) (param $rlo i32) (param $rhi i32)
    (param $count i32) (param $out i32) (param $scratch i32) (param $counts i32)
    (local $key i64) (local $j i32) (local $r i32) (local $k0r i32) (local $k1r i32) (local $s f64)
    (block $done (loop $resample
      (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
      (local.set $r (i32.add (local.get $rlo) (local.get $j)))
      ;; foldIn(key, r0 + j): counter (r mod 2^32, floor(r / 2^32), 0, 2)
      (local.set $key (call $philox_key (local.get $k0) (local.get $k1) (local.get $r)
        (i32.add (local.get $rhi) (i32.lt_u (local.get $r) (local.get $rlo))) (i32.const 2)))
      (local.set $k0r (i32.wrap_i64 (local.get $key)))
      (local.set $k1r (i32.wrap_i64 (i64.shr_u (local.get $key) (i64.const 32))))
      (if (local.get $counts)
        (then (local.set $s (call $bootstrap_sum_counts (local.get $data) (local.get $n) (local.get $k0r) (local.get $k1r) (local.get $scratch) (local.get $counts))))
        (else (local.set $s (call $bootstrap_sum (local.get $data) (local.get $n) (local.get $k0r) (local.get $k1r) (local.get $scratch)))))
      (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
        (f64.div (local.get $s) (f64.convert_i32_u (local.get $n))))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $resample))))
