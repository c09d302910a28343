;; gemvt.wat — transpose-matvec kernels (spliced into kernels.wat's module by scripts/build-wasm.mjs).
;;
;; gemvt_f64 / gemvt_f32: y (k) += Aᵀ x with A (m×k) row-major, streaming A once: the vector-matrix product xᵀA of the
;;   cpu backend's matmul (a 1×m row times an m×k matrix), and the w −= Qᵀc step of Gram–Schmidt in the Krylov forward
;;   passes (Q: K rows of length n). They accumulate into y (the caller zeroes it for a plain product); float32
;;   accumulates in float32, like the other f32 kernels.
  ;; y (k) += Aᵀ x for A (m×k) row-major, x (m), y (k), f64: the transpose-matvec (equivalently y += xᵀA, a row
  ;; vector times a matrix), streaming A once. Columns go in blocks of 256 KiB (that block of y stays in L2 while
  ;; every row of A passes over it, so a long y is not streamed through L3/memory once per four rows, and each row piece
  ;; is a long sequential stream for the hardware prefetchers; blocks of 8 and 32 KiB, y in L1, measured no faster);
  ;; within a block four rows of A share each load and store of y, two f64x2 a step. Callers zero y first for y = Aᵀx.
  (func (export "gemvt_f64") (param $A i32) (param $x i32) (param $y i32) (param $m i32) (param $k i32)
    (local $lda i32) (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $xi i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local.set $lda (i32.shl (local.get $k) (i32.const 3)))
    (block $cdone (loop $cols
      (br_if $cdone (i32.ge_u (local.get $j0) (local.get $lda)))
      (local.set $j1 (select (i32.add (local.get $j0) (i32.const 262144)) (local.get $lda)
        (i32.lt_u (i32.add (local.get $j0) (i32.const 262144)) (local.get $lda))))
      (local.set $i (i32.const 0))
      (local.set $r0 (local.get $A))
      (local.set $xi (local.get $x))
      (block $done4 (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
        (local.set $s0 (f64.load (local.get $xi)))
        (local.set $s1 (f64.load offset=8 (local.get $xi)))
        (local.set $s2 (f64.load offset=16 (local.get $xi)))
        (local.set $s3 (f64.load offset=24 (local.get $xi)))
        (local.set $x0 (f64x2.splat (local.get $s0)))
        (local.set $x1 (f64x2.splat (local.get $s1)))
        (local.set $x2 (f64x2.splat (local.get $s2)))
        (local.set $x3 (f64x2.splat (local.get $s3)))
        (local.set $j (local.get $j0))
        (block $v2done (loop $v2
          (br_if $v2done (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $j1)))
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f64x2.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f64x2.add
                (f64x2.add (f64x2.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))
                         (f64x2.mul (local.get $x1) (v128.load (i32.add (local.get $r1) (local.get $j)))))
                (f64x2.add (f64x2.mul (local.get $x2) (v128.load (i32.add (local.get $r2) (local.get $j))))
                         (f64x2.mul (local.get $x3) (v128.load (i32.add (local.get $r3) (local.get $j))))))))
          (v128.store offset=16 (i32.add (local.get $y) (local.get $j))
            (f64x2.add (v128.load offset=16 (i32.add (local.get $y) (local.get $j)))
              (f64x2.add
                (f64x2.add (f64x2.mul (local.get $x0) (v128.load offset=16 (i32.add (local.get $r0) (local.get $j))))
                         (f64x2.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $r1) (local.get $j)))))
                (f64x2.add (f64x2.mul (local.get $x2) (v128.load offset=16 (i32.add (local.get $r2) (local.get $j))))
                         (f64x2.mul (local.get $x3) (v128.load offset=16 (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $v2)))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 16)) (local.get $j1)) (then
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f64x2.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f64x2.add
                (f64x2.add (f64x2.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))
                         (f64x2.mul (local.get $x1) (v128.load (i32.add (local.get $r1) (local.get $j)))))
                (f64x2.add (f64x2.mul (local.get $x2) (v128.load (i32.add (local.get $r2) (local.get $j))))
                         (f64x2.mul (local.get $x3) (v128.load (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))))
        (block $tdone (loop $tail
          (br_if $tdone (i32.ge_u (local.get $j) (local.get $j1)))
          (f64.store (i32.add (local.get $y) (local.get $j))
            (f64.add (f64.load (i32.add (local.get $y) (local.get $j)))
              (f64.add
                (f64.add (f64.mul (local.get $s0) (f64.load (i32.add (local.get $r0) (local.get $j))))
                         (f64.mul (local.get $s1) (f64.load (i32.add (local.get $r1) (local.get $j)))))
                (f64.add (f64.mul (local.get $s2) (f64.load (i32.add (local.get $r2) (local.get $j))))
                         (f64.mul (local.get $s3) (f64.load (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $tail)))
        (local.set $r0 (i32.add (local.get $r3) (local.get $lda)))
        (local.set $xi (i32.add (local.get $xi) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
      ;; leftover rows (m mod 4), one at a time
      (block $done1 (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $s0 (f64.load (local.get $xi)))
        (local.set $x0 (f64x2.splat (local.get $s0)))
        (local.set $j (local.get $j0))
        (block $v1done (loop $v1
          (br_if $v1done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $j1)))
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f64x2.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f64x2.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $v1)))
        (block $t1done (loop $tail1
          (br_if $t1done (i32.ge_u (local.get $j) (local.get $j1)))
          (f64.store (i32.add (local.get $y) (local.get $j))
            (f64.add (f64.load (i32.add (local.get $y) (local.get $j)))
              (f64.mul (local.get $s0) (f64.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 8)))
          (br $tail1)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $lda)))
        (local.set $xi (i32.add (local.get $xi) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1)))
      (local.set $j0 (local.get $j1))
      (br $cols))))

  ;; y (k) += Aᵀ x for A (m×k) row-major, x (m), y (k), f32: the transpose-matvec (equivalently y += xᵀA, a row
  ;; vector times a matrix), streaming A once. Columns go in blocks of 256 KiB (that block of y stays in L2 while
  ;; every row of A passes over it, so a long y is not streamed through L3/memory once per four rows, and each row piece
  ;; is a long sequential stream for the hardware prefetchers; blocks of 8 and 32 KiB, y in L1, measured no faster);
  ;; within a block four rows of A share each load and store of y, two f32x4 a step. Callers zero y first for y = Aᵀx.
  (func (export "gemvt_f32") (param $A i32) (param $x i32) (param $y i32) (param $m i32) (param $k i32)
    (local $lda i32) (local $j0 i32) (local $j1 i32) (local $i i32) (local $j i32) (local $xi i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local.set $lda (i32.shl (local.get $k) (i32.const 2)))
    (block $cdone (loop $cols
      (br_if $cdone (i32.ge_u (local.get $j0) (local.get $lda)))
      (local.set $j1 (select (i32.add (local.get $j0) (i32.const 262144)) (local.get $lda)
        (i32.lt_u (i32.add (local.get $j0) (i32.const 262144)) (local.get $lda))))
      (local.set $i (i32.const 0))
      (local.set $r0 (local.get $A))
      (local.set $xi (local.get $x))
      (block $done4 (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
        (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
        (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
        (local.set $s0 (f32.load (local.get $xi)))
        (local.set $s1 (f32.load offset=4 (local.get $xi)))
        (local.set $s2 (f32.load offset=8 (local.get $xi)))
        (local.set $s3 (f32.load offset=12 (local.get $xi)))
        (local.set $x0 (f32x4.splat (local.get $s0)))
        (local.set $x1 (f32x4.splat (local.get $s1)))
        (local.set $x2 (f32x4.splat (local.get $s2)))
        (local.set $x3 (f32x4.splat (local.get $s3)))
        (local.set $j (local.get $j0))
        (block $v2done (loop $v2
          (br_if $v2done (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $j1)))
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f32x4.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f32x4.add
                (f32x4.add (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))
                         (f32x4.mul (local.get $x1) (v128.load (i32.add (local.get $r1) (local.get $j)))))
                (f32x4.add (f32x4.mul (local.get $x2) (v128.load (i32.add (local.get $r2) (local.get $j))))
                         (f32x4.mul (local.get $x3) (v128.load (i32.add (local.get $r3) (local.get $j))))))))
          (v128.store offset=16 (i32.add (local.get $y) (local.get $j))
            (f32x4.add (v128.load offset=16 (i32.add (local.get $y) (local.get $j)))
              (f32x4.add
                (f32x4.add (f32x4.mul (local.get $x0) (v128.load offset=16 (i32.add (local.get $r0) (local.get $j))))
                         (f32x4.mul (local.get $x1) (v128.load offset=16 (i32.add (local.get $r1) (local.get $j)))))
                (f32x4.add (f32x4.mul (local.get $x2) (v128.load offset=16 (i32.add (local.get $r2) (local.get $j))))
                         (f32x4.mul (local.get $x3) (v128.load offset=16 (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 32)))
          (br $v2)))
        (if (i32.le_u (i32.add (local.get $j) (i32.const 16)) (local.get $j1)) (then
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f32x4.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f32x4.add
                (f32x4.add (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))
                         (f32x4.mul (local.get $x1) (v128.load (i32.add (local.get $r1) (local.get $j)))))
                (f32x4.add (f32x4.mul (local.get $x2) (v128.load (i32.add (local.get $r2) (local.get $j))))
                         (f32x4.mul (local.get $x3) (v128.load (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))))
        (block $tdone (loop $tail
          (br_if $tdone (i32.ge_u (local.get $j) (local.get $j1)))
          (f32.store (i32.add (local.get $y) (local.get $j))
            (f32.add (f32.load (i32.add (local.get $y) (local.get $j)))
              (f32.add
                (f32.add (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $j))))
                         (f32.mul (local.get $s1) (f32.load (i32.add (local.get $r1) (local.get $j)))))
                (f32.add (f32.mul (local.get $s2) (f32.load (i32.add (local.get $r2) (local.get $j))))
                         (f32.mul (local.get $s3) (f32.load (i32.add (local.get $r3) (local.get $j))))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $tail)))
        (local.set $r0 (i32.add (local.get $r3) (local.get $lda)))
        (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
      ;; leftover rows (m mod 4), one at a time
      (block $done1 (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $s0 (f32.load (local.get $xi)))
        (local.set $x0 (f32x4.splat (local.get $s0)))
        (local.set $j (local.get $j0))
        (block $v1done (loop $v1
          (br_if $v1done (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $j1)))
          (v128.store (i32.add (local.get $y) (local.get $j))
            (f32x4.add (v128.load (i32.add (local.get $y) (local.get $j)))
              (f32x4.mul (local.get $x0) (v128.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $v1)))
        (block $t1done (loop $tail1
          (br_if $t1done (i32.ge_u (local.get $j) (local.get $j1)))
          (f32.store (i32.add (local.get $y) (local.get $j))
            (f32.add (f32.load (i32.add (local.get $y) (local.get $j)))
              (f32.mul (local.get $s0) (f32.load (i32.add (local.get $r0) (local.get $j))))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $tail1)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $lda)))
        (local.set $xi (i32.add (local.get $xi) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1)))
      (local.set $j0 (local.get $j1))
      (br $cols))))
