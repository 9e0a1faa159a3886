// The library's messages name its arguments (`options.schedule must be one of ...`); on the
// command line the same thing is a flag (`--schedule must be one of ...`).

const FLAGS: [RegExp, string][] = [
  [/\boptions\.maxMemory\b/g, '--max-memory'],
  [/\bthe pool's maxMemory\b/g, '--max-memory'],
  [/\boptions\.maxIter\b/g, '--max-iter'],
  [/\boptions\.(width|height)\b/g, '--$1'], // --size N sets both
  [/\boptions\.(schedule|chunk|workers|kernel)\b/g, '--$1'],
  [/^a must be /, 'the matrices must be '], // matmul(a, b): sizes over the memory limit
  [/^input must be /, 'the text must be '], // wordCount(input): the same
];

export function inCliTerms(message: string): string {
  return FLAGS.reduce((text, [pattern, flag]) => text.replace(pattern, flag), message);
}
