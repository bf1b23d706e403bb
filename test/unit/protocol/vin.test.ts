import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeVin, computeCheckDigit, isValidVin, vinProblem } from '../../../protocol/vin.js';
import { prng } from './gen.js';
import { randomVin } from './gen.js';

test('known real VINs are valid', () => {
  for (const vin of ['1M8GDM9AXKP042788', '11111111111111111', '1HGCM82633A004352', '5GZCZ43D13S812715', 'JH4KA7561PC008269']) {
    assert.equal(vinProblem(vin), undefined, vin);
    assert.equal(isValidVin(vin), true, vin);
  }
});

test('check digit: computed, including X for a remainder of 10', () => {
  assert.equal(computeCheckDigit('1M8GDM9AXKP042788'), 'X');
  assert.equal(computeCheckDigit('11111111111111111'), '1');
  assert.equal(computeCheckDigit('1HGCM82633A004352'), '3');
  assert.equal(completeVin('1M8GDM9A0KP042788'), '1M8GDM9AXKP042788');
});

test('invalid VINs are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['1M8GDM9AXKP04278', /must be 17 characters \(got 16\)/],
    ['1M8GDM9AXKP0427880', /must be 17 characters \(got 18\)/],
    ['1M8GDM9AXKP04278O', /character 17 'O' is not allowed \(I, O and Q/],
    ['IM8GDM9AXKP042788', /character 1 'I'/],
    ['1M8GDM9AXKP04278q', /character 17 'q' is not allowed \(only digits and capital/],
    ['1M8GDM9A1KP042788', /check digit \(position 9\) is '1', expected 'X'/],
    ['', /must be 17 characters \(got 0\)/],
  ];
  for (const [vin, re] of cases) {
    assert.match(vinProblem(vin) ?? 'valid', re, vin);
    assert.equal(isValidVin(vin), false, vin);
  }
  assert.throws(() => computeCheckDigit('SHORT'), RangeError);
});

test('property: the fast isValidVin agrees with vinProblem on random and corrupted VINs', () => {
  const rng = prng(5);
  for (let i = 0; i < 5000; i++) {
    let vin = randomVin(rng);
    assert.equal(isValidVin(vin), true, vin);
    if (i % 2 === 0) {
      const at = Math.floor(rng() * 17);
      vin = vin.slice(0, at) + String.fromCharCode(48 + Math.floor(rng() * 43)) + vin.slice(at + 1);
    }
    assert.equal(isValidVin(vin), vinProblem(vin) === undefined, vin);
  }
});
