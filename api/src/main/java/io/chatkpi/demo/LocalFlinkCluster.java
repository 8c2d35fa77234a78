package io.chatkpi.demo;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * One Flink MiniCluster in this JVM that runs several jobs side by side, each built by the same
 * {@code build(env, options)} method a cluster deployment uses. Its REST API listens on loopback.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    private final MiniCluster cluster;
    private final Configuration jobConfig;
    private final Map<JobID, String> jobs = new LinkedHashMap<>();

    private LocalFlinkCluster(MiniCluster cluster, Configuration jobConfig) {
        this.cluster = cluster;
        this.jobConfig = jobConfig;
    }

    /** As {@link #start(String, int, Path)} with Flink's default checkpoint storage (the JobManager's memory). */
    public static LocalFlinkCluster start(String restPorts, int slots) throws Exception {
        return start(restPorts, slots, null);
    }

    /**
     * @param restPorts a port or range for the REST API, e.g. {@code "8081-8099"} (the first free one is taken)
     * @param slots     task slots: one per parallel pipeline of every job
     * @param checkpointDir where checkpoints are written, or null for the JobManager's memory, which refuses a
     *                  job's state once it exceeds 5 MiB (the KPI job's session state does within minutes of traffic)
     */
    public static LocalFlinkCluster start(String restPorts, int slots, Path checkpointDir) throws Exception {
        Configuration jobConfig = new Configuration();
        if (checkpointDir != null) {
            jobConfig.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            jobConfig.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                    checkpointDir.toAbsolutePath().normalize().toUri().toString());
        }
        Configuration conf = new Configuration(jobConfig);
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.BIND_PORT, restPorts);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, slots);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build());
        cluster.start();
        return new LocalFlinkCluster(cluster, jobConfig);
    }

    public URI restAddress() throws Exception {
        return cluster.getRestAddress().get(10, TimeUnit.SECONDS);
    }

    /** Builds a job's graph with {@code graph} and submits it; returns once the cluster accepted it. */
    public JobID submit(String jobName, Consumer<StreamExecutionEnvironment> graph) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(jobConfig);
        graph.accept(env);
        StreamGraph streamGraph = env.getStreamGraph();
        streamGraph.setJobName(jobName);
        JobGraph jobGraph = streamGraph.getJobGraph();
        cluster.submitJob(jobGraph).get(30, TimeUnit.SECONDS);
        jobs.put(jobGraph.getJobID(), jobName);
        return jobGraph.getJobID();
    }

    public JobStatus status(JobID job) throws Exception {
        return cluster.getJobStatus(job).get(10, TimeUnit.SECONDS);
    }

    public Map<JobID, String> jobs() {
        return Map.copyOf(jobs);
    }

    /** Cancels every running job and waits until each has reached a terminal state. */
    public void cancelAll() {
        List<JobID> running = new ArrayList<>(jobs.keySet());
        for (JobID id : running) {
            try {
                if (!status(id).isGloballyTerminalState()) {
                    cluster.cancelJob(id).get(30, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                System.err.println("demo: could not cancel job " + jobs.get(id) + ": " + e);
            }
        }
        for (JobID id : running) {
            try {
                cluster.requestJobResult(id).get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("demo: job " + jobs.get(id) + " did not stop in time: " + e);
            }
        }
    }

    @Override
    public void close() throws Exception {
        cancelAll();
        cluster.closeAsync().get(60, TimeUnit.SECONDS);
    }
}
