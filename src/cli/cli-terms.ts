// The library's messages name its arguments (`options.schedule must be one of ...`); on the
// command line the same thing is a flag (`--schedule must be one of ...`).

const FLAGS: [RegExp, string][] = [
  [/\boptions\.maxMemory\b/g, '--max-memory'],
  [/\bthe pool's maxMemory\b/g, '--max-memory'],
  [/\boptions\.maxIter\b/g, '--max-iter'],
  [/\boptions\.(width|height)\b/g, '--size'],
  [/\boptions\.(schedule|chunk|workers|kernel)\b/g, '--$1'],
];

export function inCliTerms(message: string): string {
  return FLAGS.reduce((text, [pattern, flag]) => text.replace(pattern, flag), message);
}
