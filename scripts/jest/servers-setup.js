// Jest global setup: the Kafka and MongoDB-protocol suites run against real servers. Unless
// KAFKA_BROKERS and MONGO_URL already point at some, start the local ones (fetched and cached by
// scripts/servers) and remember to stop them again.
const { useServers } = require('../servers/local');

module.exports = async () => {
  const servers = useServers();
  process.env.KAFKA_BROKERS = servers.KAFKA_BROKERS;
  process.env.MONGO_URL = servers.MONGO_URL;
  // Each tier that needs the servers runs this; whichever started them has them stopped at the end.
  globalThis.__SUBTRACK_SERVERS_STARTED__ = globalThis.__SUBTRACK_SERVERS_STARTED__ || servers.started;
};
