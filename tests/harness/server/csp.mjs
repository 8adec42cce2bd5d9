// The strict Content-Security-Policy of issue 9: no inline script or style, no eval, only
// 'wasm-unsafe-eval' so WebAssembly can compile. Sent on every HTML response unless csp=false.
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self' ws: wss: http: https:",
  "font-src 'self' data:",
].join("; ");
