// The kernel API (issue 14) as the kernel tests and the kernels benchmark use it: parwasm's
// own declarations, under the names these files were written against.
import type { KernelError, Pool } from 'parwasm';

export type {
  Kernel,
  KernelArray,
  KernelArrayConstructor,
  KernelLibrary,
  LoadOptions,
  ParallelForOptions,
} from 'parwasm';

/** A pool: `load` and `parallelFor` are its own methods. */
export type KernelPool = Pool;

export function kernelPool(pool: Pool): KernelPool {
  return pool;
}

/** What a KernelError carries. */
export type KernelErrorFields = Pick<KernelError, 'name' | 'kernel' | 'lo' | 'hi' | 'message'>;
