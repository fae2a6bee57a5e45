import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { definitionFromJson } from './index.ts';
import { parseExpression } from './expression.ts';
import type { Question } from './types.ts';
import { routingInWords, unpipedText } from './words.ts';

const def = definitionFromJson(
  JSON.parse(readFileSync(new URL('../../../../examples/surveys/council-perception.json', import.meta.url), 'utf8')),
);
const q = (code: string) => def.questions.find((x) => x.code === code)!;
const routed = (visibleIf: string, on: Question = q('Q4')) =>
  routingInWords({ ...on, visibleIf, condition: parseExpression(visibleIf) }, def);

describe('routing in words', () => {
  it('tells the example questionnaire’s routing in words, with the answers as respondents read them', () => {
    const words = def.questions.map((x) => [x.code, routingInWords(x, def)]);
    expect(words).toEqual(expect.arrayContaining([['Q1', null]]));
    expect(routingInWords(q('Q2'), def)).toBe(
      'Asked only of those who answered Q1 “A great deal”, “A fair amount” or “Just a little”',
    );
    expect(routingInWords(q('Q3'), def)).toBe(
      'Asked only of those who answered Q2 and who did not choose “None of these” at Q2',
    );
    expect(routingInWords(q('Q4'), def)).toBe('Asked only of those who answered Q3');
    expect(routingInWords(q('Q5'), def)).toBe('Asked only of those who did not answer Q1 “Never heard of it”');
    for (const [, w] of words) expect(w ?? '').not.toMatch(/[{}[\]]|anyof|notempty/);
  });

  it('names a set of answers that is a net by the net, and reads comparisons and negations', () => {
    expect(routed("{Q1} anyof ['1', '2']")).toBe(
      'Asked only of those who answered Q1 “Know a great deal or a fair amount”',
    );
    expect(routed("not ({Q1} = '1' or {Q1} = '2')")).toBe(
      'Asked only of those who did not answer Q1 “A great deal” and who did not answer Q1 “A fair amount”',
    );
    expect(routed("{Q3} noneof ['4', '5']")).toBe('Asked only of those who chose none of “Dissatisfied” at Q3');
    expect(routed('{Q3} empty')).toBe('Asked only of those who did not answer Q3');
  });

  it('shows piped answers as a placeholder, never as {CODE}', () => {
    expect(unpipedText(q('Q4').text)).toBe('Please explain why you are [answer to Q3] with the support.');
    expect(unpipedText('You said ${Q1}.')).toBe('You said [answer to Q1].');
  });
});
