import { Controller, Get } from '@nestjs/common';
import { endpoints, openApiDocument } from '@subtrack/api-contract';

/** The API's description, generated from the contract's schemas once, at start. */
@Controller()
export class MetaController {
  private readonly document = openApiDocument(endpoints);

  @Get(endpoints.docs.path.slice(1))
  docs() {
    return this.document;
  }
}
