import { defineSessionSuite } from './suite.js';
import { startAedes } from './aedes-broker.js';

defineSessionSuite('aedes', startAedes);
