;; tracetape WebAssembly SIMD kernels (source of kernels.generated.ts; assembled by scripts/build-wasm.mjs with wabt).
;;
;; Every pointer is a byte address in this module's linear memory; matrices are dense row-major.
;; Addresses 0..127 hold the scratch tile that edge tiles of the micro-kernels spill into (movable with set_tile, for
;; threads sharing one memory); the host allocates above 1024. scripts/build-wasm.mjs also emits a variant that imports a
;; shared memory (env.memory) instead of defining one, for worker threads.
;;
;; gemm_f64 / gemm_f32: C (m×n) = A (m×k) · B (k×n), Goto/BLIS layout: for each NC-wide column block of B and each
;;   KC-deep slice of k, the B block is packed into NR-wide panels (kc × NR contiguous, zero padded); for each MC-tall
;;   row block of A the block is packed into MR-tall panels (kc × MR contiguous, zero padded); the register-blocked
;;   micro-kernel multiplies one A panel by one B panel into MR×NR accumulators held in v128 locals.
;;   f64: MR = 4, NR = 4 (8 f64x2 accumulators); f32: MR = 4, NR = 8 (8 f32x4 accumulators).
;;   Why not a larger f32 tile: V8 (Node 20, x64) has 15 allocatable xmm registers and schedules every load of a loop
;;   iteration before its arithmetic, so 4×8 (8 accumulators + 2 B vectors + 4 broadcasts + 1 product) is the largest
;;   tile it compiles without spills. Measured on the 2-core EPYC (gemm_f32 n = 512, best of 25, interleaved, machine
;;   shared): 4×8 28–31 GFLOP/s; 6×8 17.5 (4 accumulators spilled to the stack); 6×8 re-splatting A per use 12.9;
;;   5×8 16.7; 4×8 unrolled 2× over k 21.1, 4× 15.2 (hoisted loads spill); KC = 256 (MC 64 or 256) 29.4–30.0.
;;   `work` must hold MC·KC + KC·NC elements: the packed A block, then the packed B block (the globals below give
;;   MC, KC, NC; the function bodies repeat them as constants, and the packed-B offset MC·KC·8 = MC·KC·4 = 262144).
;; gemv_f64 / gemv_f32: y (m) = A (m×k) · x (k), four rows at a time, two vector accumulators per row.
;; sum_f64: Σ of a float64 array (a streaming read; the benchmark's read-bandwidth probe of wasm memory).
;; float32 kernels accumulate in float32 (like XNNPACK/tfjs-wasm); the TypeScript loops accumulate in float64.
(module
  (memory (export "memory") 1)

  ;; byte address of this instance's 128-byte scratch tile (0 by default; each thread of a shared memory sets its own)
  (global $tile (mut i32) (i32.const 0))
  (func (export "set_tile") (param $p i32) (global.set $tile (local.get $p)))

  ;; blocking parameters, read by the host so that it sizes the work buffer from one source of truth
  (global (export "F64_MC") i32 (i32.const 128))
  (global (export "F64_KC") i32 (i32.const 256))
  (global (export "F64_NC") i32 (i32.const 2048))
  (global (export "F32_MC") i32 (i32.const 128))
  (global (export "F32_KC") i32 (i32.const 512))
  (global (export "F32_NC") i32 (i32.const 2048))

  ;; ---------------------------------------------------------------- float64 ----------------------------------------

  ;; pack rows [0, mc) × cols [0, kc) of A (row stride lda bytes) into 4-row panels: panel q, step p, row r at
  ;; dst + (4q·kc + 4p + r)·8; rows past mc are zero.
  (func $packA_f64 (param $src i32) (param $lda i32) (param $dst i32) (param $mc i32) (param $kc i32)
    (local $ir i32) (local $r i32) (local $p i32) (local $s i32) (local $d i32)
    (block $done_ir (loop $loop_ir
      (br_if $done_ir (i32.ge_u (local.get $ir) (local.get $mc)))
      (local.set $r (i32.const 0))
      (loop $loop_r
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $kc)) (local.get $r)) (i32.const 3))))
        (local.set $p (i32.const 0))
        (if (i32.lt_u (i32.add (local.get $ir) (local.get $r)) (local.get $mc))
          (then
            (local.set $s (i32.add (local.get $src) (i32.mul (i32.add (local.get $ir) (local.get $r)) (local.get $lda))))
            (loop $copy
              (f64.store (local.get $d) (f64.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (i32.const 8)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $copy (i32.lt_u (local.get $p) (local.get $kc)))))
          (else
            (loop $zero
              (f64.store (local.get $d) (f64.const 0))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $zero (i32.lt_u (local.get $p) (local.get $kc))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $loop_r (i32.lt_u (local.get $r) (i32.const 4))))
      (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
      (br $loop_ir))))

  ;; pack rows [0, kc) × cols [0, nc) of B (row stride ldb bytes) into 4-column panels: panel q, step p, col c at
  ;; dst + (4q·kc + 4p + c)·8; columns past nc are zero.
  (func $packB_f64 (param $src i32) (param $ldb i32) (param $dst i32) (param $kc i32) (param $nc i32)
    (local $jr i32) (local $c i32) (local $cols i32) (local $p i32) (local $s i32) (local $d i32)
    (block $done_jr (loop $loop_jr
      (br_if $done_jr (i32.ge_u (local.get $jr) (local.get $nc)))
      (local.set $cols (i32.sub (local.get $nc) (local.get $jr)))
      (local.set $s (i32.add (local.get $src) (i32.shl (local.get $jr) (i32.const 3))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 3))))
      (local.set $p (i32.const 0))
      (if (i32.ge_u (local.get $cols) (i32.const 4))
        (then
          (loop $full
            (v128.store (local.get $d) (v128.load (local.get $s)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $ldb)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $full (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (loop $part
            (local.set $c (i32.const 0))
            (loop $cols_loop
              (f64.store (i32.add (local.get $d) (i32.shl (local.get $c) (i32.const 3)))
                (if (result f64) (i32.lt_u (local.get $c) (local.get $cols))
                  (then (f64.load (i32.add (local.get $s) (i32.shl (local.get $c) (i32.const 3)))))
                  (else (f64.const 0))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $cols_loop (i32.lt_u (local.get $c) (i32.const 4))))
            (local.set $s (i32.add (local.get $s) (local.get $ldb)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $part (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
      (br $loop_jr))))

  ;; C[0:mr, 0:nr] += (A panel)·(B panel) over kc steps (kc ≥ 1); C row stride ldc bytes.
  (func $micro_f64 (param $kc i32) (param $pa i32) (param $pb i32) (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $end i32) (local $r i32) (local $j i32) (local $t i32) (local $o i32)
    (local.set $end (i32.add (local.get $pb) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load64_splat (local.get $pa)))
      (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=8 (local.get $pa)))
      (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=16 (local.get $pa)))
      (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load64_splat offset=24 (local.get $pa)))
      (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $k (i32.lt_u (local.get $pb) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 4)))
      (then
        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c00)))
        (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c10)))
        (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c20)))
        (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c30)))
        (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c31))))
      (else
        ;; edge tile: spill the accumulators to the scratch tile (row r at 32·r bytes) and add the valid part
        (v128.store offset=0 (global.get $tile) (local.get $c00))
        (v128.store offset=16 (global.get $tile) (local.get $c01))
        (v128.store offset=32 (global.get $tile) (local.get $c10))
        (v128.store offset=48 (global.get $tile) (local.get $c11))
        (v128.store offset=64 (global.get $tile) (local.get $c20))
        (v128.store offset=80 (global.get $tile) (local.get $c21))
        (v128.store offset=96 (global.get $tile) (local.get $c30))
        (v128.store offset=112 (global.get $tile) (local.get $c31))
        (local.set $r (i32.const 0))
        (loop $rows
          (local.set $j (i32.const 0))
          (loop $cols
            (local.set $t (i32.add (global.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 2)) (local.get $j)) (i32.const 3))))
            (local.set $o (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 3))))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o)) (f64.load (local.get $t))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $r) (local.get $mr)))))))

  ;; C (m×n) = A (m×k) · B (k×n), all row-major and contiguous; work: packed A (MC·KC·8 bytes) then packed B (KC·NC·8).
  (func (export "gemm_f64") (param $A i32) (param $B i32) (param $C i32) (param $m i32) (param $k i32) (param $n i32) (param $work i32)
    (local $packA i32) (local $packB i32) (local $lda i32) (local $ldc i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32) (local $jr i32) (local $ir i32)
    (local.set $packA (local.get $work))
    (local.set $packB (i32.add (local.get $work) (i32.const 262144)))
    (local.set $lda (i32.shl (local.get $k) (i32.const 3)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $C) (i32.const 0) (i32.mul (local.get $m) (local.get $ldc)))
    (if (i32.or (i32.eqz (local.get $k)) (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n)))) (then (return)))
    (block $done_jc (loop $loop_jc
      (br_if $done_jc (i32.ge_u (local.get $jc) (local.get $n)))
      (local.set $nc (select (i32.const 2048) (i32.sub (local.get $n) (local.get $jc))
        (i32.gt_u (i32.sub (local.get $n) (local.get $jc)) (i32.const 2048))))
      (local.set $pc (i32.const 0))
      (block $done_pc (loop $loop_pc
        (br_if $done_pc (i32.ge_u (local.get $pc) (local.get $k)))
        (local.set $kc (select (i32.const 256) (i32.sub (local.get $k) (local.get $pc))
          (i32.gt_u (i32.sub (local.get $k) (local.get $pc)) (i32.const 256))))
        (call $packB_f64
          (i32.add (local.get $B) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $n)) (local.get $jc)) (i32.const 3)))
          (local.get $ldc) (local.get $packB) (local.get $kc) (local.get $nc))
        (local.set $ic (i32.const 0))
        (block $done_ic (loop $loop_ic
          (br_if $done_ic (i32.ge_u (local.get $ic) (local.get $m)))
          (local.set $mc (select (i32.const 128) (i32.sub (local.get $m) (local.get $ic))
            (i32.gt_u (i32.sub (local.get $m) (local.get $ic)) (i32.const 128))))
          (call $packA_f64
            (i32.add (local.get $A) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $k)) (local.get $pc)) (i32.const 3)))
            (local.get $lda) (local.get $packA) (local.get $mc) (local.get $kc))
          (local.set $jr (i32.const 0))
          (block $done_jr (loop $loop_jr
            (br_if $done_jr (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $ir (i32.const 0))
            (block $done_ir (loop $loop_ir
              (br_if $done_ir (i32.ge_u (local.get $ir) (local.get $mc)))
              (call $micro_f64 (local.get $kc)
                (i32.add (local.get $packA) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 3)))
                (i32.add (local.get $packB) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 3)))
                (i32.add (i32.add (local.get $C) (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)))
                  (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 3)))
                (local.get $ldc)
                (select (i32.const 4) (i32.sub (local.get $mc) (local.get $ir)) (i32.gt_u (i32.sub (local.get $mc) (local.get $ir)) (i32.const 4)))
                (select (i32.const 4) (i32.sub (local.get $nc) (local.get $jr)) (i32.gt_u (i32.sub (local.get $nc) (local.get $jr)) (i32.const 4))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br $loop_ir)))
            (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
            (br $loop_jr)))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br $loop_ic)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br $loop_pc)))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br $loop_jc))))

  ;; y (m) = A (m×k) · x (k): four rows share each load of x; two f64x2 accumulators per row (four columns a step).
  (func (export "gemv_f64") (param $A i32) (param $x i32) (param $y i32) (param $m i32) (param $k i32)
    (local $i i32) (local $lda i32) (local $end4 i32) (local $end i32) (local $p i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $xp f64)
    (local $s0 f64) (local $s1 f64) (local $s2 f64) (local $s3 f64)
    (local.set $lda (i32.shl (local.get $k) (i32.const 3)))
    (local.set $end4 (i32.shl (i32.and (local.get $k) (i32.const -4)) (i32.const 3)))
    (local.set $end (local.get $lda))
    (block $done4 (loop $rows4
      (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
      (local.set $r0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
      (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0))
      (local.set $a10 (v128.const i64x2 0 0)) (local.set $a11 (v128.const i64x2 0 0))
      (local.set $a20 (v128.const i64x2 0 0)) (local.set $a21 (v128.const i64x2 0 0))
      (local.set $a30 (v128.const i64x2 0 0)) (local.set $a31 (v128.const i64x2 0 0))
      (local.set $p (i32.const 0))
      (block $vdone (loop $vec
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $x0 (v128.load (i32.add (local.get $x) (local.get $p))))
        (local.set $x1 (v128.load offset=16 (i32.add (local.get $x) (local.get $p))))
        (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (v128.load (i32.add (local.get $r0) (local.get $p))) (local.get $x0))))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (v128.load offset=16 (i32.add (local.get $r0) (local.get $p))) (local.get $x1))))
        (local.set $a10 (f64x2.add (local.get $a10) (f64x2.mul (v128.load (i32.add (local.get $r1) (local.get $p))) (local.get $x0))))
        (local.set $a11 (f64x2.add (local.get $a11) (f64x2.mul (v128.load offset=16 (i32.add (local.get $r1) (local.get $p))) (local.get $x1))))
        (local.set $a20 (f64x2.add (local.get $a20) (f64x2.mul (v128.load (i32.add (local.get $r2) (local.get $p))) (local.get $x0))))
        (local.set $a21 (f64x2.add (local.get $a21) (f64x2.mul (v128.load offset=16 (i32.add (local.get $r2) (local.get $p))) (local.get $x1))))
        (local.set $a30 (f64x2.add (local.get $a30) (f64x2.mul (v128.load (i32.add (local.get $r3) (local.get $p))) (local.get $x0))))
        (local.set $a31 (f64x2.add (local.get $a31) (f64x2.mul (v128.load offset=16 (i32.add (local.get $r3) (local.get $p))) (local.get $x1))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $vec)))
      (local.set $a00 (f64x2.add (local.get $a00) (local.get $a01)))
      (local.set $a10 (f64x2.add (local.get $a10) (local.get $a11)))
      (local.set $a20 (f64x2.add (local.get $a20) (local.get $a21)))
      (local.set $a30 (f64x2.add (local.get $a30) (local.get $a31)))
      (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a00)) (f64x2.extract_lane 1 (local.get $a00))))
      (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $a10)) (f64x2.extract_lane 1 (local.get $a10))))
      (local.set $s2 (f64.add (f64x2.extract_lane 0 (local.get $a20)) (f64x2.extract_lane 1 (local.get $a20))))
      (local.set $s3 (f64.add (f64x2.extract_lane 0 (local.get $a30)) (f64x2.extract_lane 1 (local.get $a30))))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $xp (f64.load (i32.add (local.get $x) (local.get $p))))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $r0) (local.get $p))) (local.get $xp))))
        (local.set $s1 (f64.add (local.get $s1) (f64.mul (f64.load (i32.add (local.get $r1) (local.get $p))) (local.get $xp))))
        (local.set $s2 (f64.add (local.get $s2) (f64.mul (f64.load (i32.add (local.get $r2) (local.get $p))) (local.get $xp))))
        (local.set $s3 (f64.add (local.get $s3) (f64.mul (f64.load (i32.add (local.get $r3) (local.get $p))) (local.get $xp))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $tail)))
      (f64.store (local.get $y) (local.get $s0))
      (f64.store offset=8 (local.get $y) (local.get $s1))
      (f64.store offset=16 (local.get $y) (local.get $s2))
      (f64.store offset=24 (local.get $y) (local.get $s3))
      (local.set $y (i32.add (local.get $y) (i32.const 32)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $rows4)))
    ;; leftover rows (m mod 4): one row, two accumulators
    (block $done1 (loop $rows1
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $r0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
      (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0))
      (local.set $p (i32.const 0))
      (block $vdone1 (loop $vec1
        (br_if $vdone1 (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $a00 (f64x2.add (local.get $a00) (f64x2.mul (v128.load (i32.add (local.get $r0) (local.get $p))) (v128.load (i32.add (local.get $x) (local.get $p))))))
        (local.set $a01 (f64x2.add (local.get $a01) (f64x2.mul (v128.load offset=16 (i32.add (local.get $r0) (local.get $p))) (v128.load offset=16 (i32.add (local.get $x) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $vec1)))
      (local.set $a00 (f64x2.add (local.get $a00) (local.get $a01)))
      (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $a00)) (f64x2.extract_lane 1 (local.get $a00))))
      (block $tdone1 (loop $tail1
        (br_if $tdone1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $r0) (local.get $p))) (f64.load (i32.add (local.get $x) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $tail1)))
      (f64.store (local.get $y) (local.get $s0))
      (local.set $y (i32.add (local.get $y) (i32.const 8)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows1))))

  ;; ---------------------------------------------------------------- float32 ----------------------------------------

  ;; pack rows [0, mc) × cols [0, kc) of A (row stride lda bytes) into 4-row panels: panel q, step p, row r at
  ;; dst + (4q·kc + 4p + r)·4; rows past mc are zero.
  (func $packA_f32 (param $src i32) (param $lda i32) (param $dst i32) (param $mc i32) (param $kc i32)
    (local $ir i32) (local $r i32) (local $p i32) (local $s i32) (local $d i32)
    (block $done_ir (loop $loop_ir
      (br_if $done_ir (i32.ge_u (local.get $ir) (local.get $mc)))
      (local.set $r (i32.const 0))
      (loop $loop_r
        (local.set $d (i32.add (local.get $dst)
          (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $kc)) (local.get $r)) (i32.const 2))))
        (local.set $p (i32.const 0))
        (if (i32.lt_u (i32.add (local.get $ir) (local.get $r)) (local.get $mc))
          (then
            (local.set $s (i32.add (local.get $src) (i32.mul (i32.add (local.get $ir) (local.get $r)) (local.get $lda))))
            (loop $copy
              (f32.store (local.get $d) (f32.load (local.get $s)))
              (local.set $s (i32.add (local.get $s) (i32.const 4)))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $copy (i32.lt_u (local.get $p) (local.get $kc)))))
          (else
            (loop $zero
              (f32.store (local.get $d) (f32.const 0))
              (local.set $d (i32.add (local.get $d) (i32.const 16)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br_if $zero (i32.lt_u (local.get $p) (local.get $kc))))))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br_if $loop_r (i32.lt_u (local.get $r) (i32.const 4))))
      (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
      (br $loop_ir))))

  ;; pack rows [0, kc) × cols [0, nc) of B (row stride ldb bytes) into 8-column panels: panel q, step p, col c at
  ;; dst + (8q·kc + 8p + c)·4; columns past nc are zero.
  (func $packB_f32 (param $src i32) (param $ldb i32) (param $dst i32) (param $kc i32) (param $nc i32)
    (local $jr i32) (local $c i32) (local $cols i32) (local $p i32) (local $s i32) (local $d i32)
    (block $done_jr (loop $loop_jr
      (br_if $done_jr (i32.ge_u (local.get $jr) (local.get $nc)))
      (local.set $cols (i32.sub (local.get $nc) (local.get $jr)))
      (local.set $s (i32.add (local.get $src) (i32.shl (local.get $jr) (i32.const 2))))
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
      (local.set $p (i32.const 0))
      (if (i32.ge_u (local.get $cols) (i32.const 8))
        (then
          (loop $full
            (v128.store (local.get $d) (v128.load (local.get $s)))
            (v128.store offset=16 (local.get $d) (v128.load offset=16 (local.get $s)))
            (local.set $s (i32.add (local.get $s) (local.get $ldb)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $full (i32.lt_u (local.get $p) (local.get $kc)))))
        (else
          (loop $part
            (local.set $c (i32.const 0))
            (loop $cols_loop
              (f32.store (i32.add (local.get $d) (i32.shl (local.get $c) (i32.const 2)))
                (if (result f32) (i32.lt_u (local.get $c) (local.get $cols))
                  (then (f32.load (i32.add (local.get $s) (i32.shl (local.get $c) (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br_if $cols_loop (i32.lt_u (local.get $c) (i32.const 8))))
            (local.set $s (i32.add (local.get $s) (local.get $ldb)))
            (local.set $d (i32.add (local.get $d) (i32.const 32)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br_if $part (i32.lt_u (local.get $p) (local.get $kc))))))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br $loop_jr))))

  ;; C[0:mr, 0:nr] += (A panel)·(B panel) over kc steps (kc ≥ 1), f32 accumulation; C row stride ldc bytes.
  (func $micro_f32 (param $kc i32) (param $pa i32) (param $pb i32) (param $c i32) (param $ldc i32) (param $mr i32) (param $nr i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128) (local $end i32) (local $r i32) (local $j i32) (local $t i32) (local $o i32)
    (local.set $end (i32.add (local.get $pb) (i32.shl (local.get $kc) (i32.const 5))))
    (loop $k
      (local.set $b0 (v128.load (local.get $pb)))
      (local.set $b1 (v128.load offset=16 (local.get $pb)))
      (local.set $a (v128.load32_splat (local.get $pa)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
      (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
      (br_if $k (i32.lt_u (local.get $pb) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
        (v128.store offset=16 (local.get $c) (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31))))
      (else
        ;; edge tile: spill the accumulators to the scratch tile (row r at 32·r bytes) and add the valid part
        (v128.store offset=0 (global.get $tile) (local.get $c00))
        (v128.store offset=16 (global.get $tile) (local.get $c01))
        (v128.store offset=32 (global.get $tile) (local.get $c10))
        (v128.store offset=48 (global.get $tile) (local.get $c11))
        (v128.store offset=64 (global.get $tile) (local.get $c20))
        (v128.store offset=80 (global.get $tile) (local.get $c21))
        (v128.store offset=96 (global.get $tile) (local.get $c30))
        (v128.store offset=112 (global.get $tile) (local.get $c31))
        (local.set $r (i32.const 0))
        (loop $rows
          (local.set $j (i32.const 0))
          (loop $cols
            (local.set $t (i32.add (global.get $tile) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2))))
            (local.set $o (i32.add (i32.add (local.get $c) (i32.mul (local.get $r) (local.get $ldc))) (i32.shl (local.get $j) (i32.const 2))))
            (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (f32.load (local.get $t))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $r) (local.get $mr)))))))

  ;; C (m×n) = A (m×k) · B (k×n), float32; work: packed A (MC·KC·4 bytes) then packed B (KC·NC·4).
  (func (export "gemm_f32") (param $A i32) (param $B i32) (param $C i32) (param $m i32) (param $k i32) (param $n i32) (param $work i32)
    (local $packA i32) (local $packB i32) (local $lda i32) (local $ldc i32)
    (local $jc i32) (local $nc i32) (local $pc i32) (local $kc i32) (local $ic i32) (local $mc i32) (local $jr i32) (local $ir i32)
    (local.set $packA (local.get $work))
    (local.set $packB (i32.add (local.get $work) (i32.const 262144)))
    (local.set $lda (i32.shl (local.get $k) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $C) (i32.const 0) (i32.mul (local.get $m) (local.get $ldc)))
    (if (i32.or (i32.eqz (local.get $k)) (i32.or (i32.eqz (local.get $m)) (i32.eqz (local.get $n)))) (then (return)))
    (block $done_jc (loop $loop_jc
      (br_if $done_jc (i32.ge_u (local.get $jc) (local.get $n)))
      (local.set $nc (select (i32.const 2048) (i32.sub (local.get $n) (local.get $jc))
        (i32.gt_u (i32.sub (local.get $n) (local.get $jc)) (i32.const 2048))))
      (local.set $pc (i32.const 0))
      (block $done_pc (loop $loop_pc
        (br_if $done_pc (i32.ge_u (local.get $pc) (local.get $k)))
        (local.set $kc (select (i32.const 512) (i32.sub (local.get $k) (local.get $pc))
          (i32.gt_u (i32.sub (local.get $k) (local.get $pc)) (i32.const 512))))
        (call $packB_f32
          (i32.add (local.get $B) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $n)) (local.get $jc)) (i32.const 2)))
          (local.get $ldc) (local.get $packB) (local.get $kc) (local.get $nc))
        (local.set $ic (i32.const 0))
        (block $done_ic (loop $loop_ic
          (br_if $done_ic (i32.ge_u (local.get $ic) (local.get $m)))
          (local.set $mc (select (i32.const 128) (i32.sub (local.get $m) (local.get $ic))
            (i32.gt_u (i32.sub (local.get $m) (local.get $ic)) (i32.const 128))))
          (call $packA_f32
            (i32.add (local.get $A) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $k)) (local.get $pc)) (i32.const 2)))
            (local.get $lda) (local.get $packA) (local.get $mc) (local.get $kc))
          (local.set $jr (i32.const 0))
          (block $done_jr (loop $loop_jr
            (br_if $done_jr (i32.ge_u (local.get $jr) (local.get $nc)))
            (local.set $ir (i32.const 0))
            (block $done_ir (loop $loop_ir
              (br_if $done_ir (i32.ge_u (local.get $ir) (local.get $mc)))
              (call $micro_f32 (local.get $kc)
                (i32.add (local.get $packA) (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                (i32.add (local.get $packB) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2)))
                (i32.add (i32.add (local.get $C) (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc)))
                  (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2)))
                (local.get $ldc)
                (select (i32.const 4) (i32.sub (local.get $mc) (local.get $ir)) (i32.gt_u (i32.sub (local.get $mc) (local.get $ir)) (i32.const 4)))
                (select (i32.const 8) (i32.sub (local.get $nc) (local.get $jr)) (i32.gt_u (i32.sub (local.get $nc) (local.get $jr)) (i32.const 8))))
              (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
              (br $loop_ir)))
            (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
            (br $loop_jr)))
          (local.set $ic (i32.add (local.get $ic) (local.get $mc)))
          (br $loop_ic)))
        (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
        (br $loop_pc)))
      (local.set $jc (i32.add (local.get $jc) (local.get $nc)))
      (br $loop_jc))))

  ;; y (m) = A (m×k) · x (k), float32: four rows share each load of x; two f32x4 accumulators per row (eight columns a step).
  (func (export "gemv_f32") (param $A i32) (param $x i32) (param $y i32) (param $m i32) (param $k i32)
    (local $i i32) (local $lda i32) (local $end8 i32) (local $end i32) (local $p i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $x0 v128) (local $x1 v128) (local $xp f32)
    (local $s0 f32) (local $s1 f32) (local $s2 f32) (local $s3 f32)
    (local.set $lda (i32.shl (local.get $k) (i32.const 2)))
    (local.set $end8 (i32.shl (i32.and (local.get $k) (i32.const -8)) (i32.const 2)))
    (local.set $end (local.get $lda))
    (block $done4 (loop $rows4
      (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
      (local.set $r0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
      (local.set $r1 (i32.add (local.get $r0) (local.get $lda)))
      (local.set $r2 (i32.add (local.get $r1) (local.get $lda)))
      (local.set $r3 (i32.add (local.get $r2) (local.get $lda)))
      (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0))
      (local.set $a10 (v128.const i64x2 0 0)) (local.set $a11 (v128.const i64x2 0 0))
      (local.set $a20 (v128.const i64x2 0 0)) (local.set $a21 (v128.const i64x2 0 0))
      (local.set $a30 (v128.const i64x2 0 0)) (local.set $a31 (v128.const i64x2 0 0))
      (local.set $p (i32.const 0))
      (block $vdone (loop $vec
        (br_if $vdone (i32.ge_u (local.get $p) (local.get $end8)))
        (local.set $x0 (v128.load (i32.add (local.get $x) (local.get $p))))
        (local.set $x1 (v128.load offset=16 (i32.add (local.get $x) (local.get $p))))
        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load (i32.add (local.get $r0) (local.get $p))) (local.get $x0))))
        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (v128.load offset=16 (i32.add (local.get $r0) (local.get $p))) (local.get $x1))))
        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (v128.load (i32.add (local.get $r1) (local.get $p))) (local.get $x0))))
        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (v128.load offset=16 (i32.add (local.get $r1) (local.get $p))) (local.get $x1))))
        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (v128.load (i32.add (local.get $r2) (local.get $p))) (local.get $x0))))
        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (v128.load offset=16 (i32.add (local.get $r2) (local.get $p))) (local.get $x1))))
        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (v128.load (i32.add (local.get $r3) (local.get $p))) (local.get $x0))))
        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (v128.load offset=16 (i32.add (local.get $r3) (local.get $p))) (local.get $x1))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $vec)))
      (local.set $s0 (call $hsum_f32 (f32x4.add (local.get $a00) (local.get $a01))))
      (local.set $s1 (call $hsum_f32 (f32x4.add (local.get $a10) (local.get $a11))))
      (local.set $s2 (call $hsum_f32 (f32x4.add (local.get $a20) (local.get $a21))))
      (local.set $s3 (call $hsum_f32 (f32x4.add (local.get $a30) (local.get $a31))))
      (block $tdone (loop $tail
        (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $xp (f32.load (i32.add (local.get $x) (local.get $p))))
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (i32.add (local.get $r0) (local.get $p))) (local.get $xp))))
        (local.set $s1 (f32.add (local.get $s1) (f32.mul (f32.load (i32.add (local.get $r1) (local.get $p))) (local.get $xp))))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (f32.load (i32.add (local.get $r2) (local.get $p))) (local.get $xp))))
        (local.set $s3 (f32.add (local.get $s3) (f32.mul (f32.load (i32.add (local.get $r3) (local.get $p))) (local.get $xp))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
      (f32.store (local.get $y) (local.get $s0))
      (f32.store offset=4 (local.get $y) (local.get $s1))
      (f32.store offset=8 (local.get $y) (local.get $s2))
      (f32.store offset=12 (local.get $y) (local.get $s3))
      (local.set $y (i32.add (local.get $y) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $rows4)))
    ;; leftover rows (m mod 4): one row, two accumulators
    (block $done1 (loop $rows1
      (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
      (local.set $r0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $lda))))
      (local.set $a00 (v128.const i64x2 0 0)) (local.set $a01 (v128.const i64x2 0 0))
      (local.set $p (i32.const 0))
      (block $vdone1 (loop $vec1
        (br_if $vdone1 (i32.ge_u (local.get $p) (local.get $end8)))
        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (v128.load (i32.add (local.get $r0) (local.get $p))) (v128.load (i32.add (local.get $x) (local.get $p))))))
        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (v128.load offset=16 (i32.add (local.get $r0) (local.get $p))) (v128.load offset=16 (i32.add (local.get $x) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 32)))
        (br $vec1)))
      (local.set $s0 (call $hsum_f32 (f32x4.add (local.get $a00) (local.get $a01))))
      (block $tdone1 (loop $tail1
        (br_if $tdone1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s0 (f32.add (local.get $s0) (f32.mul (f32.load (i32.add (local.get $r0) (local.get $p))) (f32.load (i32.add (local.get $x) (local.get $p))))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail1)))
      (f32.store (local.get $y) (local.get $s0))
      (local.set $y (i32.add (local.get $y) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows1))))

  ;; sum of the four lanes of an f32x4, pairwise
  (func $hsum_f32 (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; ---------------------------------------------------------------- reductions -------------------------------------

  ;; Σ p[0..n) in float64 with four f64x2 accumulators (eight elements a step): a streaming read of the array, used as
  ;; the in-process read-bandwidth probe of wasm memory and as the sum kernel.
  (func (export "sum_f64") (param $p i32) (param $n i32) (result f64)
    (local $end i32) (local $end8 i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f64)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 3))))
    (local.set $end8 (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 3))))
    (block $vdone (loop $vec
      (br_if $vdone (i32.ge_u (local.get $p) (local.get $end8)))
      (local.set $a0 (f64x2.add (local.get $a0) (v128.load (local.get $p))))
      (local.set $a1 (f64x2.add (local.get $a1) (v128.load offset=16 (local.get $p))))
      (local.set $a2 (f64x2.add (local.get $a2) (v128.load offset=32 (local.get $p))))
      (local.set $a3 (f64x2.add (local.get $a3) (v128.load offset=48 (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 64)))
      (br $vec)))
    (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (local.get $a1)) (f64x2.add (local.get $a2) (local.get $a3))))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
    (block $tdone (loop $tail
      (br_if $tdone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $s (f64.add (local.get $s) (f64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $tail)))
    (local.get $s))
)
