#!/usr/bin/env node
'use strict';
// Time @cloud-copilot/iam-simulate on the same requests as the engine's
// benchmark (CONTRACT-EVAL.md JSON Lines): runSimulation (its public,
// validating entry point) round-robin over the cases for at least
// MIN_SECONDS of CPU time. Prints iam_simulate_decisions_per_sec and a tally
// of its verdicts. Usage: iam-simulate-bench.js FILE.jsonl [MIN_SECONDS]
const fs = require('fs');
const oracle = require('../diff/oracle.js');

async function main() {
	const file = process.argv[2];
	const min = Number(process.argv[3] || 2);
	if (!file)
		throw new Error('usage: iam-simulate-bench.js FILE.jsonl [MIN_SECONDS]');
	const sims = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim())
		.map((l) => oracle.toSimulation(JSON.parse(l)));
	const tally = {};
	for (const s of sims) {
		const v = (await oracle.runOracle(s)).verdict;
		tally[v] = (tally[v] || 0) + 1;
	}
	if (tally.error)
		throw new Error(`iam-simulate rejected ${tally.error} of the cases`);
	const t0 = process.cpuUsage();
	const cpu = () => { const u = process.cpuUsage(t0); return (u.user + u.system) / 1e6; };
	let n = 0;
	do {
		for (const s of sims) {
			const res = await oracle.sim.runSimulation(s, {});
			if (res.resultType !== 'single')
				throw new Error('iam-simulate failed during the run');
			n++;
		}
	} while (cpu() < min);
	console.log(`iam_simulate_decisions_per_sec: ${Math.round(n / cpu())}`);
	console.log(`iam_simulate_tally: ${Object.entries(tally).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}

main().catch((e) => {
	console.error(e.stack || String(e));
	process.exit(1);
});
