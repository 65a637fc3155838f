// An agent's session through gatewayd with Node's mysql2: a query, a
// prepared statement, a transaction and a multi-statement.  Prints one
// line per result, tab separated, for t_clients.sh to compare with what
// a direct connection gets.
// Usage: node clients.js PORT CA TOKEN
'use strict';
const fs = require('fs');
const mysql = require('mysql2/promise');

function rows(r) {
	return r.map((row) => Object.values(row).join('\t')).join('\n');
}

async function main() {
	const [port, ca, token] = process.argv.slice(2);
	const c = await mysql.createConnection({
		host: '127.0.0.1',
		port: Number(port),
		user: 'shop',
		password: token,
		ssl: { ca: fs.readFileSync(ca) },
		// The token goes in clear, inside TLS.
		enableCleartextPlugin: true,
		multipleStatements: true,
	});
	let [r] = await c.query(
	    'SELECT id, name, email FROM shop.customers ORDER BY id');
	console.log('query\n' + rows(r));
	[r] = await c.execute(
	    'SELECT name FROM shop.customers WHERE id = ?', [2]);
	console.log('execute\n' + rows(r));
	await c.beginTransaction();
	[r] = await c.query('SELECT COUNT(*) FROM shop.orders');
	await c.commit();
	console.log('transaction\n' + rows(r));
	[r] = await c.query('SELECT 1; SELECT 2');
	console.log('multi\n' + rows(r[0]) + '\n' + rows(r[1]));
	await c.end();
}

main().catch((e) => {
	console.log('error: ' + (e.code || '') + ' ' + e.message);
	process.exit(1);
});
