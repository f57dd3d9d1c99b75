/**
 * Temporal's time-skipping test server, as the project runs it: the Java test server fetched by
 * `scripts/stack.sh install`, started at the present or at a chosen instant, with the project's search attributes
 * registered. The simulation (`duban simulate`), the demo and the workflow tests start it from here.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
// Not re-exported by the package's index; @temporalio/client itself imports from common/lib the same way.
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DUBAN_SEARCH_ATTRIBUTES } from './search-attributes';

export const TEST_SERVER = path.join(__dirname, '..', 'scripts', 'temporal-test-server');
/** scripts/java/DubanTestServer.java as `scripts/stack.sh install` compiles it. */
const TEST_SERVER_MAIN = path.join(
  __dirname,
  '..',
  '.tools',
  'temporal-test-server',
  'classes',
  'DubanTestServer.class',
);

export interface TimeSkippingOptions {
  /**
   * Where the server's clock starts (default: the present). A past plan year runs on its own calendar only when
   * the server starts in that year: its clock only moves forward.
   */
  initialTime?: Date;
}

/**
 * Starts the time-skipping test server fetched by `scripts/stack.sh install`, with the project's search attributes
 * registered. @temporalio/testing would download its own server, which cannot work here, so it is always given the
 * existing path; an initial time goes to it as `--initial-time`, which scripts/temporal-test-server hands to the
 * project's own main (scripts/java/DubanTestServer.java), the stock one having no such option.
 */
export async function startTimeSkippingServer({
  initialTime,
}: TimeSkippingOptions = {}): Promise<TestWorkflowEnvironment> {
  if (initialTime && !(initialTime.getTime() > 0)) {
    throw new Error(`initialTime must be a valid instant after 1970-01-01, not ${String(initialTime)}`);
  }
  if (initialTime && !existsSync(TEST_SERVER_MAIN)) {
    throw new Error(
      `${TEST_SERVER_MAIN}, which starts the server at an initial time, is missing: run \`scripts/stack.sh install\``,
    );
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: {
      executable: { type: 'existing-path', path: TEST_SERVER },
      extraArgs: initialTime ? ['--initial-time', initialTime.toISOString()] : [],
    },
  });
  try {
    await registerSearchAttributes(env.connection);
  } catch (error) {
    await env.teardown();
    throw error;
  }
  return env;
}

/**
 * Registers the project's search attributes on a fresh time-skipping server. Its operator service (Java test server
 * 1.31.0) accepts AddSearchAttributes, and then accepts upserts of those names and refuses unknown ones (a workflow
 * upserting one fails its workflow task); it has no ListSearchAttributes to ask first, and refuses a name it has.
 */
async function registerSearchAttributes(connection: Connection): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      DUBAN_SEARCH_ATTRIBUTES.map(({ name, type }) => [name, encodeSearchAttributeIndexedValueType(type)!]),
    ),
  });
}
