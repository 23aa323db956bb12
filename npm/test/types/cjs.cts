// Type-checked (never run) by types.test.mjs: the declarations as a CommonJS consumer sees them.
import antom = require('antom-core');
const c = new antom.Client({ clientId: 'x', apiKey: 'isak_TEST_a_b', antomPublicKey: 'y' });
const p: string = c.prepare('v1/payments/pay', '{}', 1).headers['Authorization'];
console.log(p);
