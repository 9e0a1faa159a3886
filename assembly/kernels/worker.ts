// Which worker this instance runs on: each worker instantiates the kernels with its own
// values of these imports (src/pool/worker-libraries.ts; rank 0 on the calling thread).
// Globals are private to each instance (only the memory is shared), which makes them the
// right home for "who am I".
@external("worker", "rank")
export declare const rank: i32;

@external("worker", "threadId")
export declare const threadId: i32;
