/**
 * JMH benchmarks: Warden side by side with jCasbin and cedar-java on one generated data set and one
 * request mix ({@link dev.warden.benchmarks.HeadlineBenchmark}, {@link dev.warden.benchmarks.ManyOrgsBenchmark}),
 * and Warden's own lists, mutations and multi-threaded checks; the scale benchmarks of issue 14
 * ({@link dev.warden.benchmarks.MutationBenchmark}, {@link dev.warden.benchmarks.JoinBenchmark},
 * {@link dev.warden.benchmarks.SnapshotMemory}) run on organizations of any size from
 * {@link dev.warden.benchmarks.OrgShape}. Every side-by-side set-up runs
 * {@link dev.warden.benchmarks.Agreement#check} first and refuses to run when the engines disagree.
 * {@link dev.warden.benchmarks.Report} turns JMH's JSON into the tables and chart of BENCHMARKS.md;
 * {@link dev.warden.benchmarks.LoadTimes} measures loading. Not API; not deployed.
 */
package dev.warden.benchmarks;
