// Request/response over the page's socket.io connection (harness-internal events).
export function makeRequester(socket) {
  return function request(event, payload = {}) {
    return new Promise((resolve, reject) => {
      socket.emit(event, payload, (reply) => {
        if (reply?.error) reject(new Error(reply.error));
        else resolve(reply?.result);
      });
    });
  };
}
