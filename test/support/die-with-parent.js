// Preloaded (node -r) into every node process a test starts: when the test process is gone
// (a crashed or killed jest worker never runs its clean-up), the node exits too instead of
// lingering on the machine.
const parent = process.ppid;
setInterval(() => {
	if (process.ppid !== parent) process.exit(1);
}, 1000).unref();
