// Kernels for parwasm in C, for clang's wasm32 target without a libc. Build (see ../README.md):
//   clang --target=wasm32 -O2 -matomics -mbulk-memory -mmutable-globals -nostdlib \
//     -Wl,--no-entry -Wl,--export=saxpy -Wl,--export=median -Wl,--export=integrate \
//     -Wl,--import-memory -Wl,--shared-memory -Wl,--max-memory=268435456 \
//     -Wl,--export=__stack_pointer -o kernels.wasm kernels.c
//
// Pointers are wasm32 byte offsets, so an array from `lib.alloc` arrives as a pointer. A
// kernel may use its stack (locals whose address is taken live on the shadow stack in
// linear memory): parwasm gives each worker its own stack region through the exported
// `__stack_pointer`. It must not use malloc: one heap shared by all workers, with a
// per-instance allocator state, would hand two workers the same block.

// A range kernel: y[i] = a * x[i] + y[i] for i in [lo, hi).
void saxpy(int lo, int hi, double a, const double *x, double *y) {
  for (int i = lo; i < hi; i++) y[i] = a * x[i] + y[i];
}

#define MAX_RADIUS 32

// Sorts a[0..count) in place. Kept out of line so that `median`'s window, whose address it
// receives, really lives in memory on the stack rather than in registers.
__attribute__((noinline)) static void insertion_sort(double *a, int count) {
  for (int i = 1; i < count; i++) {
    double v = a[i];
    int j = i - 1;
    for (; j >= 0 && a[j] > v; j--) a[j + 1] = a[j];
    a[j + 1] = v;
  }
}

// A per-index kernel that uses its stack: out[i] = the median of x over the window
// [i - radius, i + radius] clipped to [0, n) (the upper median of an even count), sorted in
// a local array. radius is at most MAX_RADIUS.
void median(int i, const double *x, double *out, int n, int radius) {
  double window[2 * MAX_RADIUS + 1];
  if (radius > MAX_RADIUS) radius = MAX_RADIUS;
  int from = i - radius < 0 ? 0 : i - radius;
  int to = i + radius + 1 > n ? n : i + radius + 1;
  int count = 0;
  for (int k = from; k < to; k++) window[count++] = x[k];
  insertion_sort(window, count);
  out[i] = window[count / 2];
}

// A range kernel of uneven cost, the benchmark's "real" kernel: out[i] = the midpoint rule
// for the integral of 4 / (1 + x^2) over [0, 1] (which is pi) with i + 1 panels, so index i
// costs i + 1 steps and a static split of [0, n) in two halves is 1:3 unbalanced.
void integrate(int lo, int hi, double *out) {
  for (int i = lo; i < hi; i++) {
    int panels = i + 1;
    double h = 1.0 / panels;
    double sum = 0.0;
    for (int k = 0; k < panels; k++) {
      double x = (k + 0.5) * h;
      sum += 4.0 / (1.0 + x * x);
    }
    out[i] = sum * h;
  }
}
