console.log(`TIME_ORIGIN ${performance.timeOrigin}`);
// The wall clock and the monotonic clock at one instant: a CPU profile's sample times are monotonic (bench/slow-claims-profile.mjs).
console.log(`CLOCKS ${Date.now()} ${process.hrtime.bigint()}`);
