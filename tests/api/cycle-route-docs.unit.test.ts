/**
 * The cycle routes' descriptions for the OpenAPI document cover exactly the routes registered, and each example body
 * passes the schema its route validates with.
 */
import { CYCLE_ROUTE_DOCS, CYCLE_ROUTES } from '../../api/cycle-routes';

test('one description per cycle route, and none for a route that does not exist', () => {
  const described = CYCLE_ROUTE_DOCS.map((d) => `${d.method} ${d.url}`).sort();
  expect(described).toEqual(CYCLE_ROUTES.map((r) => `${r.method} ${r.url}`).sort());
});

test('each example body is one its route accepts', () => {
  const withBodies = CYCLE_ROUTE_DOCS.filter((d) => d.body);
  expect(withBodies.map((d) => d.url)).toEqual([
    '/cycles/:cycle/pause',
    '/cycles/:cycle/resume',
    '/cycles/:cycle/cancel',
    '/cycles/:cycle/notify',
  ]);
  for (const doc of withBodies) expect(doc.body!.safeParse(doc.example).success).toBe(true);
});
