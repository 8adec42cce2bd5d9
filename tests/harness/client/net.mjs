// Request/response over the page's socket.io connection (harness-internal events). A request the
// server never answers fails after a while instead of hanging the page.
const TIMEOUT_MS = 20_000;

export function makeRequester(socket) {
  return function request(event, payload = {}) {
    return new Promise((resolve, reject) => {
      socket.timeout(TIMEOUT_MS).emit(event, payload, (err, reply) => {
        if (err) reject(new Error(`The harness server did not answer "${event}" within ${TIMEOUT_MS} ms`));
        else if (reply?.error) reject(new Error(reply.error));
        else resolve(reply?.result);
      });
    });
  };
}
