// Readiness probe for scripts/servers/kafka.sh, run with the broker classpath in Java's
// single-file source mode: java -cp '<libs>/*' ReadyCheck.java <bootstrap> <timeoutSeconds>
// Exits 0 only once a producer can really write: the broker is registered and unfenced, a topic
// can be created and a record is acknowledged with acks=all. The probe topic is deleted again.
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;

public class ReadyCheck {
  static final String TOPIC = "__servers_ready_check";

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        probe(bootstrap);
        System.out.println("kafka ready");
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(500);
      }
    }
    System.err.println("kafka not ready: " + last);
    System.exit(1);
  }

  static void probe(String bootstrap) throws Exception {
    Properties a = new Properties();
    a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    try (Admin admin = Admin.create(a)) {
      if (admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty()) {
        throw new IllegalStateException("no live brokers yet");
      }
      try {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) throw e;
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
      p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        producer.send(new ProducerRecord<>(TOPIC, "k", "ready")).get(10, TimeUnit.SECONDS);
      }
      admin.deleteTopics(List.of(TOPIC)).all().get(10, TimeUnit.SECONDS);
    }
  }
}
