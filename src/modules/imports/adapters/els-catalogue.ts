/**
 * What the ONS Explore Local Statistics files do not say, decided here once per dataset with a reason:
 * - polarity (the files have none): `not-applicable` where the direction is a matter of judgement (totals that grow
 * with
 *   the size of the place, provision counts, consumption) rather than a shared aim;
 * - topic: one of the sector body's seven board themes;
 * - the unit, from els_indicators.csv's `unit` column (and a few corrections per dataset, each explained).
 * A dataset missing from this table is refused by the adapter: a new dataset needs a decision, not a default.
 */
import type { Polarity, TopicId, UnitType } from '../../metrics/index.ts';

export interface Direction {
  polarity: Polarity;
  why: string;
}

export interface DatasetSpec extends Direction {
  topic: TopicId;
  /** Per indicator (by its name in els_indicators.csv) where the indicators of a dataset point different ways. */
  indicators?: Record<string, Direction>;
  /** Replaces the unit the indicators file gives, with the reason. */
  unit?: { unit: string; unitType: UnitType; why: string };
  /** Widens the range the unit type implies (a rate is never negative), with the reason. */
  range?: { min?: number | null; max?: number | null; why: string };
}

const up = (why: string): Direction => ({ polarity: 'higher-is-better', why });
const down = (why: string): Direction => ({ polarity: 'lower-is-better', why });
const neither = (why: string): Direction => ({ polarity: 'not-applicable', why });
const spec = (
  topic: TopicId,
  d: Direction,
  more: Omit<DatasetSpec, 'topic' | 'polarity' | 'why'> = {},
): DatasetSpec => ({ topic, ...d, ...more });

const TOTAL = 'a total in £ that grows with the size of the area, not a rate to aim up or down';
const PROVISION = 'how many such places there are per head is a matter of local judgement, not a shared aim';

export const ELS_DATASETS: Record<string, DatasetSpec> = {
  'adult-obesity-prevalence': spec('community-wellbeing', down('fewer adults living with obesity means better health')),
  apprenticeships: spec(
    'economy-transport',
    up('more apprenticeship starts and achievements mean more people gaining skills'),
  ),
  'average-travel-time': spec('economy-transport', down('shorter journeys mean better access to jobs')),
  'business-demography': spec(
    'economy-transport',
    up('births, growth and survival of businesses signal a healthy local economy'),
    {
      indicators: {
        'Business deaths': down('fewer businesses closing is better for the local economy'),
        'Active businesses': neither('a count of businesses that grows with the size of the area'),
      },
    },
  ),
  'cancer-diagnosis-at-stage-1-and-2': spec(
    'community-wellbeing',
    up('diagnosis at an early stage gives better survival'),
  ),
  'children-in-relative-poverty': spec(
    'children-young-people',
    down('fewer children in low-income families is better'),
  ),
  'cigarette-smokers': spec('community-wellbeing', down('fewer smokers means better health')),
  'claimant-count': spec('economy-transport', down('fewer people claiming unemployment-related benefits is better')),
  'domestic-electricity-consumption': spec(
    'environment-housing',
    neither('lower use may mean efficient homes or households that cannot afford to heat and power them'),
  ),
  'domestic-gas-consumption': spec(
    'environment-housing',
    neither('lower use may mean efficient homes or households that cannot afford to heat them'),
  ),
  'early-years': spec('children-young-people', up('more five-year-olds reaching the expected level is better')),
  'employment-rate': spec('economy-transport', up('a higher share of people aged 16 to 64 in work is better'), {
    indicators: {
      'Economically inactive': neither(
        'inactivity includes students, carers and the early retired, so a higher rate is not worse in itself',
      ),
    },
  }),
  'engagement-with-culture-and-heritage': spec(
    'culture-tourism-sport',
    up('more adults taking part in culture and heritage is better'),
  ),
  'environment-regulating': spec('environment-housing', neither(`the value of nature's services is ${TOTAL}`)),
  'first-time-buyer-mortgage-sales': spec(
    'environment-housing',
    neither('sales per 1,000 dwellings reflect the housing market and stock, not an aim to raise or lower'),
  ),
  'food-outlets': spec('economy-transport', neither(`food and drink businesses per head: ${PROVISION}`)),
  'foreign-direct-investment': spec('economy-transport', neither(`investment in or from the area is ${TOTAL}`)),
  'further-education-and-skills-learner-achievements': spec(
    'economy-transport',
    up('more adults achieving further education aims is better'),
  ),
  'further-education-and-skills-participation': spec(
    'economy-transport',
    up('more adults taking part in further education and skills is better'),
  ),
  'gcses-in-english-and-maths': spec(
    'children-young-people',
    up('more young people with GCSEs in English and maths by 19 is better'),
  ),
  'gigabit-capable-broadband': spec('economy-transport', up('more premises with gigabit-capable broadband is better')),
  'greenhouse-gas-emissions': spec('environment-housing', down('lower emissions per person are better'), {
    unit: {
      unit: 'tonnes CO2e per person',
      unitType: 'other',
      why: 'the indicators file gives "Tonnes of CO2 equivalent"; its measure says per capita',
    },
  }),
  'gross-disposable-household-income-per-head': spec(
    'economy-transport',
    up('more household income per head is better'),
    {
      unit: {
        unit: '£ per head',
        unitType: 'currency-per-head',
        why: 'the indicators file gives "£"; the figure is per head',
      },
    },
  ),
  'gross-median-weekly-pay': spec('economy-transport', up('higher pay is better for residents'), {
    unit: { unit: '£ per week', unitType: 'currency', why: 'the indicators file gives "£"; the figure is weekly pay' },
  }),
  'gross-value-added': spec('economy-transport', up('more output per hour worked or per job (productivity) is better')),
  'healthy-life-expectancy': spec('community-wellbeing', up('more years lived in good health is better')),
  'homicide-offences': spec('safer-stronger-communities', down('fewer homicides is better')),
  'housing-affordability-ratio': spec(
    'environment-housing',
    down('a lower ratio of house prices to earnings means more affordable homes'),
    {
      unit: {
        unit: 'ratio of house prices to earnings',
        unitType: 'ratio',
        why: 'the indicators file says "%", but the metadata (subText "affordability ratio") and the values (about 2 to 35) are a ratio',
      },
    },
  ),
  'library-walk': spec('culture-tourism-sport', up('more residents within a walk of a library is better')),
  'modelled-unemployment': spec('economy-transport', down('lower unemployment is better')),
  'motor-vehicle-flow': spec(
    'economy-transport',
    neither('traffic volumes reflect the road network and where the area sits, not an aim to raise or lower'),
  ),
  museums: spec('culture-tourism-sport', neither(`museums per head: ${PROVISION}`)),
  'net-additions-to-the-housing-stock': spec(
    'environment-housing',
    up('more new homes relative to the stock: national policy aims to raise housing supply'),
    {
      range: {
        min: null,
        why: 'net additions fall below zero where more homes are demolished or converted than built',
      },
    },
  ),
  'network-coverage-4g': spec('economy-transport', up('more of the area covered by 4G is better')),
  'network-coverage-5g': spec('economy-transport', up('more of the area covered by 5G is better')),
  'persistent-absences-for-all-pupils': spec(
    'children-young-people',
    down('fewer pupils persistently absent is better'),
  ),
  'persistent-absences-for-pupils-eligible-for-free-school-meals': spec(
    'children-young-people',
    down('fewer pupils persistently absent is better'),
  ),
  'persistent-absences-for-pupils-looked-after-by-local-authorities': spec(
    'children-young-people',
    down('fewer pupils persistently absent is better'),
  ),
  'personal-wellbeing-estimates': spec(
    'community-wellbeing',
    up('higher ratings of life satisfaction, happiness and feeling life is worthwhile are better'),
    {
      indicators: { Anxiety: down('lower anxiety ratings are better') },
    },
  ),
  'premises-below-30': spec('economy-transport', down('fewer premises without access to 30Mbps is better')),
  'preventable-cardiovascular-mortality-england': spec(
    'community-wellbeing',
    down('fewer preventable deaths is better'),
  ),
  'public-electric-vehicle-chargers': spec(
    'economy-transport',
    up('more public chargers per head means better provision for electric vehicles'),
  ),
  'pupils-at-expected-standards-by-end-of-primary-school': spec(
    'children-young-people',
    up('more pupils meeting the expected standard is better'),
  ),
  'qualifications-level-3-or-above': spec(
    'economy-transport',
    up('more people qualified to level 3 or above is better'),
  ),
  'qualifications-none-gb': spec('economy-transport', down('fewer people with no qualifications is better')),
  'railway-station-walk': spec('economy-transport', up('more residents within a walk of a railway station is better')),
  'research-and-development-business': spec('economy-transport', neither(`research spending is ${TOTAL}`)),
  'research-and-development-public-funded': spec('economy-transport', neither(`research spending is ${TOTAL}`)),
  'short-term-let-average-length-of-stay': spec(
    'culture-tourism-sport',
    neither('longer or shorter stays are not in themselves better'),
  ),
  'short-term-let-number-of-guests-nights': spec(
    'culture-tourism-sport',
    neither(
      'a count of guest nights that grows with the size of the area, and more short-term lets is a matter of local judgement',
    ),
  ),
  'sports-facilities': spec(
    'culture-tourism-sport',
    neither(`sports facilities per head: ${PROVISION} (a few large facilities can serve as well as many small ones)`),
  ),
  supermarkets: spec('community-wellbeing', neither(`supermarkets per head: ${PROVISION}`)),
  'total-value-of-uk-exports': spec('economy-transport', neither(`exports are ${TOTAL}`)),
};

/** els_indicators.csv `unit` → our unit text and type. A unit missing here is refused: it needs a decision. */
export const ELS_UNITS: Record<string, { unit: string; unitType: UnitType }> = {
  '%': { unit: '%', unitType: 'percentage' },
  'Rate per 100,000 population': { unit: 'per 100,000 population', unitType: 'rate-per-100000' },
  'Count per 100,000 people': { unit: 'per 100,000 people', unitType: 'rate-per-100000' },
  'Count per 10,000 people': { unit: 'per 10,000 people', unitType: 'rate-per-10000' },
  'Rate per 1,000 dwelling stock': { unit: 'per 1,000 dwellings', unitType: 'rate-per-1000' },
  'Net additional dwellings per 1,000 stock': {
    unit: 'net additional dwellings per 1,000 dwellings',
    unitType: 'rate-per-1000',
  },
  'Rate per 1000 people': { unit: 'per 1,000 people', unitType: 'rate-per-1000' },
  // The platform has no rate-per-million type; the unit text says what it is.
  'Rate per 1,000,000 population': { unit: 'per million population', unitType: 'other' },
  'Number of enterprises': { unit: 'enterprises', unitType: 'count' },
  'Number of guest nights': { unit: 'guest nights', unitType: 'count' },
  '£': { unit: '£', unitType: 'currency' },
  '£ million': { unit: '£ million', unitType: 'currency' },
  yrs: { unit: 'years', unitType: 'years' },
  'Score out of 10': { unit: 'score (0 to 10)', unitType: 'score' },
  mins: { unit: 'minutes', unitType: 'other' },
  'kWh per meter point': { unit: 'kWh per meter', unitType: 'other' },
  'Tonnes of CO2 equivalent': { unit: 'tonnes CO2e', unitType: 'other' },
  'Annual average daily flow': { unit: 'vehicles per day (annual average daily flow)', unitType: 'other' },
  'Average length of stay in nights': { unit: 'nights', unitType: 'other' },
};
