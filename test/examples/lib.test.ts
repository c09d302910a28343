/** Tests of the examples' shared infrastructure: flag parsing, tables, SVG plots, output files, the example context. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  FlagError, camel, createContext, flagHelp, fmtNum, heatmaps, histogram, histogramBins, kebab, logTicks, niceTicks,
  parseFlags, plot, renderTable, resolveRunOptions, type FlagSpec,
} from '../../examples/lib/index.js';

const spec = {
  n: { type: 'number', default: 100, help: 'size', integer: true, min: 1 },
  lr: { type: 'number', default: 0.1, help: 'step' },
  kernel: { type: 'string', default: 'rbf', help: 'kernel', choices: ['rbf', 'matern'] },
  useCache: { type: 'boolean', default: true, help: 'cache' },
} as const satisfies FlagSpec;

describe('examples/lib', () => {
  describe('flags', () => {
    it('parses --name value, --name=value, booleans, --no-x and 1e5 / 100_000 numbers', () => {
      const { values, help } = parseFlags(spec, ['--n', '100_000', '--lr=1e-3', '--kernel', 'matern', '--no-use-cache']);
      expect(help).to.equal(false);
      expect(values).to.deep.equal({ n: 100000, lr: 1e-3, kernel: 'matern', useCache: false });
      expect(parseFlags(spec, ['--use-cache', '--help']).values.useCache).to.equal(true);
      expect(parseFlags(spec, ['-h']).help).to.equal(true);
      expect(parseFlags(spec, []).values).to.deep.equal({ n: 100, lr: 0.1, kernel: 'rbf', useCache: true });
    });
    it('rejects unknown flags, bad numbers, non-integers, values below min and bad choices', () => {
      expect(() => parseFlags(spec, ['--m', '3'])).to.throw(FlagError, /unknown flag '--m'/);
      expect(() => parseFlags(spec, ['--n', 'abc'])).to.throw(FlagError, /--n expects a number/);
      expect(() => parseFlags(spec, ['--n', '2.5'])).to.throw(FlagError, /integer/);
      expect(() => parseFlags(spec, ['--n', '0'])).to.throw(FlagError, /≥ 1/);
      expect(() => parseFlags(spec, ['--kernel', 'linear'])).to.throw(FlagError, /rbf \| matern/);
      expect(() => parseFlags(spec, ['--n'])).to.throw(FlagError, /needs a value/);
      expect(() => parseFlags(spec, ['stray'])).to.throw(FlagError, /unexpected argument/);
    });
    it('resolves programmatic options with defaults and validation', () => {
      expect(resolveRunOptions(spec, { n: 5, quiet: true })).to.deep.equal({ n: 5, lr: 0.1, kernel: 'rbf', useCache: true, quiet: true });
      expect(() => resolveRunOptions(spec, { n: 0 })).to.throw(FlagError, /≥ 1/);
      expect(() => resolveRunOptions(spec, { bogus: 1 } as never)).to.throw(FlagError, /unknown option 'bogus'/);
    });
    it('converts names and prints help with defaults', () => {
      expect(kebab('nProbes')).to.equal('n-probes');
      expect(camel('n-probes')).to.equal('nProbes');
      const h = flagHelp(spec);
      expect(h).to.contain('--kernel <rbf|matern>').and.contain('(default: rbf)').and.contain('--use-cache');
    });
  });

  describe('table', () => {
    it('aligns columns, right-aligns numeric ones and formats numbers', () => {
      const t = renderTable(['method', 'value'], [['a', 1.23456789], ['long name', 12345678.9], ['none', null]], 'T');
      const lines = t.split('\n');
      expect(lines[0]).to.equal('T');
      expect(lines[1]).to.match(/^method\s+value$/);
      // Column widths: 9 ('long name') and 8 ('1.235e+7'), separated by two spaces.
      expect(lines[3]).to.equal(`${'a'.padEnd(9)}  ${'1.235'.padStart(8)}`);
      expect(lines[4]).to.equal('long name  1.235e+7');
      expect(lines[5]).to.equal(`${'none'.padEnd(9)}  ${'—'.padStart(8)}`);
      expect(fmtNum(0.00012346)).to.equal('1.235e-4');
      expect(fmtNum(42)).to.equal('42');
      expect(fmtNum(72170.4)).to.equal('72170');
      expect(fmtNum(NaN)).to.equal('NaN');
    });
  });

  describe('plot', () => {
    it('computes nice linear ticks and decade log ticks', () => {
      expect(niceTicks(0, 1)).to.deep.equal([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
      expect(logTicks(1, 1e4)).to.deep.equal([1, 10, 100, 1000, 10000]);
      expect(logTicks(1, 50)).to.deep.equal([1, 2, 5, 10, 20, 50]);
    });
    it('bins a histogram so that counts sum to the sample size (and density integrates to one)', () => {
      const v = Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 3);
      const b = histogramBins(v, 20);
      expect(Array.from(b.counts).reduce((a, c) => a + c, 0)).to.equal(1000);
      const d = histogramBins(v, 20, undefined, true);
      const w = b.edges[1] - b.edges[0];
      expect(Array.from(d.counts).reduce((a, c) => a + c * w, 0)).to.be.closeTo(1, 1e-12);
    });
    it('writes well-formed SVG with log axes, skipping non-positive values on a log axis', () => {
      const svg = plot({
        title: 'convergence <test>', xLog: true, yLog: true, xLabel: 'samples', yLabel: 'error',
        series: [{ label: 'a', x: [1, 10, 100], y: [1, 0.1, 0] }, { label: 'b', x: [1, 100], y: [0.5, 0.05], kind: 'scatter' }],
        refLines: [{ axis: 'y', value: 0.2, label: 'ref' }],
      });
      expect(svg.startsWith('<svg')).to.equal(true);
      expect(svg.trim().endsWith('</svg>')).to.equal(true);
      expect(svg).to.contain('convergence &lt;test&gt;');
      expect(svg).not.to.contain('NaN');
      // The zero at x = 100 cannot be drawn on a log axis: the first path has two points only.
      const path = /<path d="([^"]+)"/.exec(svg)![1];
      expect(path.split('L').length).to.equal(2);
      expect((svg.match(/<circle/g) ?? []).length).to.equal(2 + 1); // two scatter points + legend dot
      const h = histogram([1, 2, 2, 3, 3, 3], { bins: 3, refLines: [{ axis: 'x', value: 2 }] });
      expect((h.match(/<rect [^>]*fill-opacity="0.55"/g) ?? []).length).to.equal(3);
      const hm = heatmaps([{ title: 'true', values: [0, 1, 2, 3] }, { title: 'fit', values: [0, 1, 2, 4] }], { rows: 2, cols: 2 });
      expect(hm).to.contain('>true<').and.contain('>fit<');
      expect(hm).not.to.contain('NaN');
    });
  });

  describe('context', () => {
    it('writes JSON (typed arrays as arrays) and SVG under outDir and stays silent when quiet', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tt-examples-'));
      try {
        const ctx = createContext('demo', { quiet: true, outDir: dir });
        const j = ctx.writeJson({ x: new Float64Array([1, 2]), bad: NaN });
        const s = ctx.writeSvg('fig', plot({ series: [{ x: [0, 1], y: [0, 1] }] }));
        expect(j).to.equal(path.join(dir, 'demo.json'));
        expect(s).to.equal(path.join(dir, 'demo-fig.svg'));
        expect(JSON.parse(readFileSync(j!, 'utf8'))).to.deep.equal({ x: [1, 2], bad: 'NaN' });
        expect(ctx.files).to.deep.equal([j, s]);
        const none = createContext('demo', { quiet: true, outDir: null });
        expect(none.writeJson({})).to.equal(null);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
