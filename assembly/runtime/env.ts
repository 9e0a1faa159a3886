// Imports from the host. `now` is milliseconds on the pool's clock (the main thread's
// performance.now()), so trace records of different workers share one time axis.
@external("env", "now")
export declare function now(): f64;
