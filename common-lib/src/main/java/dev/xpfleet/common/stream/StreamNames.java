package dev.xpfleet.common.stream;

/** Every Redis key of the fleet, under {@link StreamProperties#prefix()}. */
public record StreamNames(String prefix) {

    public StreamNames(StreamProperties properties) {
        this(properties.prefix());
    }

    /** Work for one role, e.g. {@code fleet:tasks:dev}. */
    public String tasks(AgentRole role) {
        return prefix + "tasks:" + role.key();
    }

    /** The lock a pair coordinator holds while it runs a task's session. */
    public String pairLock(java.util.UUID task) {
        return prefix + "pair:lock:" + task;
    }

    /** Results of every role, read by the orchestrator. */
    public String results() {
        return prefix + "results";
    }

    /** Entries of one role that failed too often, with the reason. */
    public String deadLetter(AgentRole role) {
        return prefix + "dlq:" + role.key();
    }

    /** Marks an event as done by one consumer group, so a redelivery is dropped. */
    public String done(String group, String eventId) {
        return prefix + "done:" + group + ":" + eventId;
    }

    /** The consumer group of a role on its task stream. */
    public String group(AgentRole role) {
        return role.key() + "-agents";
    }
}
