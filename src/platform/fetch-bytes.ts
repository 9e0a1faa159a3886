// The bytes at a URL, by fetch: in a page, and on Node for http(s) and data URLs.

/** Rejects with an Error naming the HTTP status when the request fails. */
export async function fetchBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
