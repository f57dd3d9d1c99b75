import { ASSUMED_STARTS_PER_SECOND, LaunchPace, LONGEST_DELAY_MS, MEASURED_AFTER } from '../../activities/launch-pace';

/** A clock the test moves: milliseconds. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('how long a launched assignment waits for its first workflow task', () => {
  it('waits, at first, for the launch still to come at the assumed rate', () => {
    const c = clock();
    const pace = new LaunchPace(9_500, c.now); // the first batch of 500 in a launch of 10,000
    expect(pace.delayFor(499)).toBe(Math.round((9_999 / ASSUMED_STARTS_PER_SECOND) * 1000));
  });

  it('counts on the rate the batch has shown once it has made enough starts', () => {
    const c = clock();
    const pace = new LaunchPace(1_000, c.now);
    for (let i = 0; i < MEASURED_AFTER; i++) pace.started();
    c.advance(250); // 64 starts in 0.25 s: 256 a second
    expect(pace.delayFor(436)).toBe(Math.round((1_436 / 256) * 1000));
  });

  it('puts off nothing in a small launch, nor at the end of a large one', () => {
    const c = clock();
    expect(new LaunchPace(0, c.now).delayFor(ASSUMED_STARTS_PER_SECOND - 2)).toBe(0);
    const last = new LaunchPace(0, c.now);
    for (let i = 0; i < 400; i++) last.started();
    c.advance(2_000); // 200 a second
    expect(last.delayFor(150)).toBe(0);
    expect(last.delayFor(250)).toBe(1_250);
  });

  it('never waits longer than the longest delay, however slow the launch looks', () => {
    const c = clock();
    const pace = new LaunchPace(100_000, c.now);
    for (let i = 0; i < MEASURED_AFTER; i++) pace.started();
    c.advance(60_000); // about one start a second
    expect(pace.delayFor(0)).toBe(LONGEST_DELAY_MS);
  });
});
