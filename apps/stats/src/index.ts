export { RollupProjector } from './rollup-projector';
export { StatsModule, STATS_GROUP } from './stats.module';
