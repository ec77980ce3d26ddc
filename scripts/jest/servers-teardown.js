// Stops the servers the global setup started (and only those).
const { stopServers } = require('../servers/local');

module.exports = async () => {
  if (!globalThis.__SUBTRACK_SERVERS_STARTED__ || process.env.KEEP_SERVERS === '1') return;
  stopServers();
  // The next tier's teardown has nothing left to stop.
  globalThis.__SUBTRACK_SERVERS_STARTED__ = false;
};
