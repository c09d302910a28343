  ;; ---------------------------------------------------------------- elementwise (float64) --------------------------
  ;; Elementwise and reduction loops of the tape, f64x2. The host (src/backend/wasm/elementwise.ts) streams its arrays
  ;; through a small staging buffer in chunks, so every pointer here is into that buffer; src and dst may coincide.
  ;; bench/wasm.bench.ts ("elementwise and reductions") measures each against the TypeScript loop it replaces, copies
  ;; included; the cpu backend uses them above the size thresholds of src/backend/wasm/elementwise.ts.

  ;; o[i] = a[i] + b[i], i < n (o may equal a or b).
  (func (export "add_f64") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $end i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $o) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $o) (local.get $end2)))
      (v128.store (local.get $o) (f64x2.add (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then (f64.store (local.get $o) (f64.add (f64.load (local.get $a)) (f64.load (local.get $b)))))))

  ;; o[i] = a[i] − b[i], i < n (o may equal a or b).
  (func (export "sub_f64") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $end i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $o) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $o) (local.get $end2)))
      (v128.store (local.get $o) (f64x2.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then (f64.store (local.get $o) (f64.sub (f64.load (local.get $a)) (f64.load (local.get $b)))))))

  ;; o[i] = a[i] · b[i], i < n (o may equal a or b).
  (func (export "mul_f64") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $end i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $o) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $o) (local.get $end2)))
      (v128.store (local.get $o) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then (f64.store (local.get $o) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))))

  ;; o[i] = a[i] / b[i], i < n (o may equal a or b).
  (func (export "div_f64") (param $a i32) (param $b i32) (param $o i32) (param $n i32)
    (local $end i32) (local $end2 i32)
    (local.set $end (i32.add (local.get $o) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end2 (i32.add (local.get $o) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $o) (local.get $end2)))
      (v128.store (local.get $o) (f64x2.div (v128.load (local.get $a)) (v128.load (local.get $b))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec)))
    (if (i32.lt_u (local.get $o) (local.get $end))
      (then (f64.store (local.get $o) (f64.div (f64.load (local.get $a)) (f64.load (local.get $b)))))))

  ;; Σ a[i]·b[i], i < n, with four f64x2 accumulators (eight products a step; the order differs from a sequential loop).
  (func (export "dot_f64") (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $end i32) (local $end8 i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $s f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end8 (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $a) (local.get $end8)))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
      (local.set $s2 (f64x2.add (local.get $s2) (f64x2.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
      (local.set $s3 (f64x2.add (local.get $s3) (f64x2.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 64)))
      (local.set $b (i32.add (local.get $b) (i32.const 64)))
      (br $vec)))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (block $tdone (loop $tail
      (br_if $tdone (i32.ge_u (local.get $a) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
      (local.set $a (i32.add (local.get $a) (i32.const 8)))
      (local.set $b (i32.add (local.get $b) (i32.const 8)))
      (br $tail)))
    (local.get $s))

  ;; o[i] = e^a[i] for i < n, two at a time: when n is odd it also reads a[n] and writes o[n] (the host's staging
  ;; buffer has room for it). Per f64x2: Cody–Waite reduction x = k·ln2 + r (|r| ≤ ln2/2; ln2 split into a 32-bit
  ;; head and a tail so that k·LN2_HI is exact), the degree-12 Taylor polynomial of e^r (truncation < 2e-16), and 2^k
  ;; applied as two factors 2^(k>>1)·2^(k−(k>>1)) built from exponent bits, so that a result in the subnormal range is
  ;; rounded once and overflow gives +Inf. x is clamped to [−746, 710] first (e^−746 underflows to 0, e^710 overflows
  ;; to Inf; ±Inf land there too); f64x2.min/max propagate NaN, so NaN in gives NaN out (through r).
  ;; Relative error against Math.exp: measured in test/backend/wasm-elementwise.test.ts.
  (func (export "exp_f64") (param $a i32) (param $o i32) (param $n i32)
    (local $end i32) (local $x v128) (local $k v128) (local $r v128) (local $r2 v128) (local $r4 v128) (local $p v128) (local $t v128) (local $k1 v128)
    (local $hi v128) (local $lo v128) (local $log2e v128) (local $magic v128) (local $ln2hi v128) (local $ln2lo v128) (local $one v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128) (local $c8 v128) (local $c9 v128) (local $c10 v128) (local $c11 v128) (local $c12 v128)
    ;; the constants live in locals, set once (V8 rematerialises v128 constants inside a loop otherwise)
    (local.set $hi (f64x2.splat (f64.const 710)))
    (local.set $lo (f64x2.splat (f64.const -746)))
    (local.set $log2e (f64x2.splat (f64.const 1.4426950408889634)))
    (local.set $magic (f64x2.splat (f64.const 6755399441055744)))
    (local.set $ln2hi (f64x2.splat (f64.const 6.93147180369123816490e-01)))
    (local.set $ln2lo (f64x2.splat (f64.const 1.90821492927058770002e-10)))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $c2 (f64x2.splat (f64.const 0.5)))
    (local.set $c3 (f64x2.splat (f64.const 1.66666666666666666667e-01)))
    (local.set $c4 (f64x2.splat (f64.const 4.16666666666666666667e-02)))
    (local.set $c5 (f64x2.splat (f64.const 8.33333333333333333333e-03)))
    (local.set $c6 (f64x2.splat (f64.const 1.38888888888888888889e-03)))
    (local.set $c7 (f64x2.splat (f64.const 1.98412698412698412698e-04)))
    (local.set $c8 (f64x2.splat (f64.const 2.48015873015873015873e-05)))
    (local.set $c9 (f64x2.splat (f64.const 2.75573192239858906526e-06)))
    (local.set $c10 (f64x2.splat (f64.const 2.75573192239858906526e-07)))
    (local.set $c11 (f64x2.splat (f64.const 2.50521083854417187751e-08)))
    (local.set $c12 (f64x2.splat (f64.const 2.08767569878680989792e-09)))
    (local.set $end (i32.add (local.get $o) (i32.shl (i32.shr_u (i32.add (local.get $n) (i32.const 1)) (i32.const 1)) (i32.const 4))))
    (block $done (loop $vec
      (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $x (f64x2.max (f64x2.min (v128.load (local.get $a)) (local.get $hi)) (local.get $lo)))
      ;; t = x·log2e + 1.5·2⁵² rounds x·log2e to the nearest integer k, held in the low bits of t's bit pattern
      (local.set $t (f64x2.add (f64x2.mul (local.get $x) (local.get $log2e)) (local.get $magic)))
      (local.set $k (f64x2.sub (local.get $t) (local.get $magic)))
      (local.set $r (f64x2.sub (f64x2.sub (local.get $x) (f64x2.mul (local.get $k) (local.get $ln2hi))) (f64x2.mul (local.get $k) (local.get $ln2lo))))
      ;; e^r = 1 + r(1 + r(1/2 + r(1/6 + r·T))) with T = Σ r^(i−4)/i!, i = 4…12, by Estrin's scheme: shorter dependency
      ;; chains than Horner's all the way (so loop iterations overlap), while the last, error-dominating steps stay Horner
      (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
      (local.set $r4 (f64x2.mul (local.get $r2) (local.get $r2)))
      (local.set $p (f64x2.add (f64x2.add (f64x2.add (local.get $c4) (f64x2.mul (local.get $c5) (local.get $r))) (f64x2.mul (f64x2.add (local.get $c6) (f64x2.mul (local.get $c7) (local.get $r))) (local.get $r2))) (f64x2.mul (local.get $r4) (f64x2.add (f64x2.add (f64x2.add (local.get $c8) (f64x2.mul (local.get $c9) (local.get $r))) (f64x2.mul (f64x2.add (local.get $c10) (f64x2.mul (local.get $c11) (local.get $r))) (local.get $r2))) (f64x2.mul (local.get $c12) (local.get $r4))))))
      (local.set $p (f64x2.add (local.get $c3) (f64x2.mul (local.get $r) (local.get $p))))
      (local.set $p (f64x2.add (local.get $c2) (f64x2.mul (local.get $r) (local.get $p))))
      (local.set $p (f64x2.add (local.get $one) (f64x2.mul (local.get $r) (local.get $p))))
      (local.set $p (f64x2.add (local.get $one) (f64x2.mul (local.get $r) (local.get $p))))
      ;; bits(t) = bits(1.5·2⁵²) + k, whose low 12 bits are zero: so the low 12 bits of bits(t) >> 1 are k1 = floor(k/2)
      ;; and those of bits(t) − (bits(t) >> 1) are k − k1 (mod 2¹², all that survives the shift into the exponent
      ;; field); 2^k1 and 2^(k−k1) are normal numbers for |k| ≤ 1077
      (local.set $k1 (i64x2.shr_u (local.get $t) (i32.const 1)))
      (v128.store (local.get $o) (f64x2.mul
        (f64x2.mul (local.get $p) (i64x2.shl (i64x2.add (local.get $k1) (i64x2.splat (i64.const 1023))) (i32.const 52)))
        (i64x2.shl (i64x2.add (i64x2.sub (local.get $t) (local.get $k1)) (i64x2.splat (i64.const 1023))) (i32.const 52))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $vec))))
