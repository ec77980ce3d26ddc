import { planOf, shapesOf, type IndexSpec, type QueryShape } from './query-plans';

const ID: IndexSpec = { keys: [['_id', 1]], unique: true };
const JOURNAL: IndexSpec[] = [
  ID,
  {
    keys: [
      ['account', 1],
      ['time', -1],
      ['_id', -1],
    ],
    unique: false,
  },
  {
    keys: [
      ['account', 1],
      ['chat', 1],
      ['time', -1],
      ['_id', -1],
    ],
    unique: false,
  },
];
const find = (filter: Record<string, unknown>, sort?: Record<string, 1 | -1>): QueryShape =>
  sort ? { collection: 'journal', op: 'find', filter, sort } : { collection: 'journal', op: 'find', filter };
const served = (q: QueryShape) => 'scan' in planOf(q, JOURNAL) === false;

describe('planOf: which index MongoDB would scan', () => {
  it('serves an equality prefix and a sort that continues the index, forwards or reversed', () => {
    expect(planOf(find({ account: 1 }, { time: -1, _id: -1 }), JOURNAL)).toEqual({
      index: '{account: 1, time: -1, _id: -1}',
    });
    expect(served(find({ account: 1 }, { time: 1, _id: 1 }))).toBe(true);
    expect(planOf(find({ account: 1, chat: 5 }, { time: -1, _id: -1 }), JOURNAL)).toEqual({
      index: '{account: 1, chat: 1, time: -1, _id: -1}',
    });
  });

  it('refuses a filter whose first index key is unbound: a collection scan', () => {
    const plan = planOf(find({ chat: 5 }), JOURNAL);
    expect('scan' in plan && plan.scan).toContain('its first key is not bound');
  });

  it('refuses a sort that does not follow the bound keys: an in-memory sort', () => {
    expect(served(find({ account: 1 }, { _id: -1 }))).toBe(false);
    expect(served(find({ account: 1 }, { time: -1, _id: 1 }))).toBe(false);
  });

  it('lets a range on the sort key and residual fields ride on a bounded scan', () => {
    expect(served(find({ account: 1, time: { $gte: 5, $lt: 9 }, paid: 1 }, { time: -1, _id: -1 }))).toBe(
      true,
    );
  });

  it('serves an equality on every key of a unique index whatever else is filtered', () => {
    expect(served(find({ _id: 'x', seq: { $lt: 4 } }))).toBe(true);
    expect(served(find({ _id: { $in: ['x', 'y'] } }))).toBe(true);
  });

  it('needs every $or branch served, with the rest of the filter', () => {
    expect(served(find({ account: 1, $or: [{ chat: 1 }, { time: { $gt: 3 } }] }))).toBe(true);
    expect(served(find({ $or: [{ account: 1 }, { chat: 1 }] }))).toBe(false);
  });

  it('refuses what no index evaluates', () => {
    expect(served(find({ account: 1, $expr: { $gt: ['$a', '$b'] } }))).toBe(false);
  });

  it('accepts the first document of a collection and a reset, nothing else unfiltered', () => {
    expect(planOf({ collection: 'journal', op: 'findOne', filter: {} }, JOURNAL)).toEqual({
      whole: 'the first document',
    });
    expect('whole' in planOf({ collection: 'journal', op: 'deleteMany', filter: {} }, JOURNAL)).toBe(true);
    expect(served(find({}))).toBe(false);
  });
});

describe('shapesOf: the filters inside a collection call', () => {
  it('reads finds, updates, bulk writes and an aggregation’s leading $match and $sort', () => {
    expect(shapesOf('c', 'find', [{ a: 1 }, { sort: { b: -1 } }])).toEqual([
      { collection: 'c', op: 'find', filter: { a: 1 }, sort: { b: -1 } },
    ]);
    expect(shapesOf('c', 'updateOne', [{ _id: 1 }, { $set: { x: 1 } }, {}])).toEqual([
      { collection: 'c', op: 'updateOne', filter: { _id: 1 } },
    ]);
    expect(
      shapesOf('c', 'bulkWrite', [
        [{ insertOne: { document: {} } }, { updateOne: { filter: { _id: 2 }, update: {} } }],
      ]),
    ).toEqual([{ collection: 'c', op: 'bulkWrite.updateOne', filter: { _id: 2 } }]);
    expect(shapesOf('c', 'aggregate', [[{ $match: { a: 1 } }, { $sort: { t: 1 } }, { $group: {} }]])).toEqual(
      [{ collection: 'c', op: 'aggregate', filter: { a: 1 }, sort: { t: 1 } }],
    );
    expect(shapesOf('c', 'insertMany', [[{}]])).toEqual([]);
  });
});
