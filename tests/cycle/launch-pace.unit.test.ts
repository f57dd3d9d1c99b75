import {
  ASSUMED_STARTS_PER_SECOND,
  LaunchPace,
  launchPace,
  LONGEST_DELAY_MS,
  MARGIN_MS,
  MEASURED_AFTER,
  PUT_OFF_FROM,
} from '../../activities/launch-pace';

/** A clock the test moves: milliseconds. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('how long a launched assignment waits for its first workflow task', () => {
  it('waits, at first, for the launch still to come at the assumed rate, and a margin', () => {
    const c = clock();
    const pace = new LaunchPace(9_500, c.now); // the first batch of 500 in a launch of 10,000
    expect(pace.delayFor(499)).toBe(Math.round((9_999 / ASSUMED_STARTS_PER_SECOND) * 1000) + MARGIN_MS);
  });

  it('counts on the rate the batch has shown once it has made enough starts', () => {
    const c = clock();
    const pace = new LaunchPace(1_000, c.now);
    for (let i = 0; i < MEASURED_AFTER; i++) pace.started();
    c.advance(250); // 64 starts in 0.25 s: 256 a second
    expect(pace.delayFor(436)).toBe(Math.round((1_436 / 256) * 1000) + MARGIN_MS);
  });

  it("puts off the launch's last start by the margin alone", () => {
    const c = clock();
    const pace = new LaunchPace(0, c.now);
    expect(pace.delayFor(0)).toBe(MARGIN_MS);
  });

  it('puts off nothing in a small launch', () => {
    expect(launchPace(PUT_OFF_FROM - 1, 0)).toBeUndefined();
    expect(launchPace(PUT_OFF_FROM, 0)).toBeInstanceOf(LaunchPace);
  });

  it('never waits longer than the longest delay, however slow the launch looks', () => {
    const c = clock();
    const pace = new LaunchPace(100_000, c.now);
    for (let i = 0; i < MEASURED_AFTER; i++) pace.started();
    c.advance(60_000); // about one start a second
    expect(pace.delayFor(0)).toBe(LONGEST_DELAY_MS);
  });
});
