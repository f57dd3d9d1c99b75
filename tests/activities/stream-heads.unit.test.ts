import { StreamHeads } from '../../activities/stream-heads';

test('a head names only the last event stored in its stream', () => {
  const heads = new StreamHeads();
  heads.remember('a', 1, 'h1');
  heads.remember('a', 3, 'h3');
  expect(heads.hashOf('a', 3)).toBe('h3');
  expect(heads.hashOf('a', 1)).toBeUndefined();
  expect(heads.hashOf('b', 1)).toBeUndefined();
});

test('past its limit it forgets the stream stored in least recently', () => {
  const heads = new StreamHeads(2);
  heads.remember('a', 1, 'ha');
  heads.remember('b', 1, 'hb');
  heads.remember('a', 2, 'ha2'); // a is now the most recent
  heads.remember('c', 1, 'hc');
  expect([heads.hashOf('a', 2), heads.hashOf('b', 1), heads.hashOf('c', 1)]).toEqual(['ha2', undefined, 'hc']);
});
