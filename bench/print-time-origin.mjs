console.log(`TIME_ORIGIN ${performance.timeOrigin}`);
