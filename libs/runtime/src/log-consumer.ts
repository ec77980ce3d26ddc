import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Topic } from '@subtrack/contracts';
import type { BatchHandler, EventLog, Subscription } from '@subtrack/ports';

/** A service's consumer: subscribes a handler to one topic for the life of the app. */
export abstract class LogConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  protected constructor(
    private readonly log: EventLog,
    private readonly topic: Topic,
    private readonly group: string,
    private readonly handler: BatchHandler,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.log.subscribe({ topic: this.topic, group: this.group }, this.handler);
    new Logger(this.group).log(`consuming ${this.topic}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }
}
