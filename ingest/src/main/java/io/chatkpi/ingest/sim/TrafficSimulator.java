package io.chatkpi.ingest.sim;

import io.chatkpi.ingest.event.Actor;
import io.chatkpi.ingest.event.Channel;
import io.chatkpi.ingest.event.EventType;
import io.chatkpi.ingest.event.NotRoutedReason;
import io.chatkpi.ingest.event.Sender;
import io.chatkpi.ingest.event.SessionEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Discrete-event simulation of synchronous chat traffic in a contact center. Sessions arrive as a Poisson
 * process, are routed to a queue, wait for a rep with free capacity (so waits come from load, not from a
 * distribution), chat, may go silent and inactive, come back or are ended by the system a day later, and end with
 * the rep's after-conversation work. Everything happens on a simulated clock driven by a priority queue of future
 * actions; events come out in timestamp order.
 *
 * <p>One random generator, consumed in a fixed order, and ties broken by a sequence number: the same config gives
 * the same events, byte for byte. Not thread-safe; {@link #stop()} may be called from another thread.
 */
public final class TrafficSimulator {

    private static final long SECOND = 1_000L;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    // How people behave. Medians and shares chosen to look like a consumer support desk; they are not tunables.
    private static final double WEB_SHARE = 0.7;
    private static final double AUTO_GREETING_SHARE = 0.6;
    private static final double MEAN_TURNS = 5;
    private static final double SILENCE_SHARE = 0.08;
    private static final double REP_MARKS_INACTIVE_SHARE = 0.25;
    private static final double REACTIVATION_SHARE = 0.4;
    private static final double USER_ENDS_SHARE = 0.6;

    private final SimulatorConfig config;
    private final SplittableRandom random;
    private final PriorityQueue<Action> agenda = new PriorityQueue<>();
    private final QueueState[] queues;
    private final String idTag;
    private final long meanInterArrival;
    private final long startTime;
    private final long endTime;
    private volatile boolean stopped;

    private long now;
    private long actionSeq;
    private long sessionSeq;
    private long emitted;
    private long duplicates;
    private long invalidLines;
    private SimulationSink sink;

    public TrafficSimulator(SimulatorConfig config) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.idTag = Long.toUnsignedString(config.seed(), 36);
        this.meanInterArrival = Math.max(1, Math.round(60_000.0 / config.arrivalsPerMinute()));
        List<QueueConfig> qs = config.queues();
        this.queues = new QueueState[qs.size()];
        for (int i = 0; i < qs.size(); i++) {
            queues[i] = new QueueState(qs.get(i), config.concurrencyCap());
        }
        long start = config.realTime() ? System.currentTimeMillis() : config.start().toEpochMilli();
        this.now = start;
        this.startTime = start;
        this.endTime = config.duration() == null ? Long.MAX_VALUE : start + config.duration().toMillis();
    }

    /** Stops {@link #run} after the event being emitted; callable from any thread. */
    public void stop() {
        stopped = true;
    }

    /** Valid events emitted so far (duplicates not counted). */
    public long emitted() {
        return emitted;
    }

    public long duplicates() {
        return duplicates;
    }

    public long invalidLines() {
        return invalidLines;
    }

    /** Where simulated time began (epoch ms): the configured start, or the wall clock in real time. */
    public long startTime() {
        return startTime;
    }

    /** The simulated time reached (epoch ms). */
    public long now() {
        return now;
    }

    /**
     * Runs until the duration is over, maxEvents are out, or {@link #stop()}; real time sleeps until each event's
     * timestamp. Returns the number of valid events emitted.
     */
    public long run(SimulationSink out) throws InterruptedException {
        this.sink = out;
        if (agenda.isEmpty() && emitted == 0) {
            schedule(now + exponential(meanInterArrival), Kind.ARRIVAL, null, null);
        }
        Action a;
        while (!stopped && (a = agenda.poll()) != null) {
            if (a.time >= endTime) break;
            if (config.realTime()) sleepUntil(a.time);
            now = a.time;
            perform(a);
            if (config.maxEvents() > 0 && emitted >= config.maxEvents()) break;
        }
        return emitted;
    }

    private void sleepUntil(long time) throws InterruptedException {
        long wait;
        while (!stopped && (wait = time - System.currentTimeMillis()) > 0) {
            Thread.sleep(Math.min(wait, 200));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // the model

    private enum Kind {
        ARRIVAL, ROUTE, REQUEUE, JOIN, ABANDON, REP_MESSAGE, USER_MESSAGE, AUTO_INACTIVE, REP_INACTIVE, REACTIVATE,
        SYSTEM_END, USER_ENDS, REP_ENDS, ACW_DONE
    }

    private enum State { PRE_CHAT, NOT_ROUTED, WAITING, ASSIGNED, ACTIVE, INACTIVE, ENDED }

    private void perform(Action a) {
        Session s = a.session;
        // overtaken by something else that happened to the session (ACW belongs to the rep, not the session)
        if (s != null && a.kind != Kind.ACW_DONE && a.version != s.version) return;
        switch (a.kind) {
            case ARRIVAL -> arrive();
            case ROUTE -> route(s, true);
            case REQUEUE -> route(s, false);
            case JOIN -> join(s, a.rep);
            case ABANDON -> abandon(s);
            case REP_MESSAGE -> repMessage(s);
            case USER_MESSAGE -> userMessage(s);
            case AUTO_INACTIVE -> inactive(s, Actor.AUTO);
            case REP_INACTIVE -> inactive(s, Actor.REP);
            case REACTIVATE -> reactivate(s);
            case SYSTEM_END -> systemEnd(s);
            case USER_ENDS -> endByParticipant(s, Actor.END_USER);
            case REP_ENDS -> endByParticipant(s, Actor.REP);
            case ACW_DONE -> acwDone(s, a.rep);
        }
    }

    private void arrive() {
        schedule(now + exponential(meanInterArrival), Kind.ARRIVAL, null, null);
        QueueState q = queues[random.nextInt(queues.length)];
        Session s = new Session("s-" + idTag + "-" + (++sessionSeq), q);
        String topic = q.config.topics().get(random.nextInt(q.config.topics().size()));
        Channel channel = random.nextDouble() < WEB_SHARE ? Channel.WEB : Channel.IN_APP;
        emit(s, EventType.SESSION_STARTED).channel(channel).topic(topic).send();
        s.state = State.PRE_CHAT;
        // pre-chat form and bot triage before routing
        schedule(now + uniform(3 * SECOND, 20 * SECOND), Kind.ROUTE, s, null);
    }

    /** Routing on arrival, or again after a reactivation (no second pre-chat then). */
    private void route(Session s, boolean firstTime) {
        QueueState q = s.queue;
        NotRoutedReason reason = null;
        boolean caseCreated = false;
        if (!q.config.isOpen(now)) {
            reason = NotRoutedReason.OUTSIDE_BUSINESS_HOURS;
            caseCreated = true;
        } else if (q.reps.length == 0) {
            reason = NotRoutedReason.NO_REPS_AVAILABLE;
            caseCreated = true;
        } else if (q.waiting >= q.config.maxWaiting()) {
            reason = NotRoutedReason.QUEUE_FULL;
            caseCreated = random.nextDouble() < 0.5;
        }
        if (reason != null) {
            emit(s, EventType.NOT_ROUTED).reason(reason).caseCreated(caseCreated).send();
            s.state = State.NOT_ROUTED;
            s.version++;
            // the system closes the session once the end user has seen the not-routed notice
            schedule(now + uniform(SECOND, 5 * SECOND), Kind.SYSTEM_END, s, null);
            return;
        }
        emit(s, EventType.QUEUED).queue(q.config.name()).send();
        s.state = State.WAITING;
        s.version++;
        q.waitingSessions.addLast(s);
        q.waiting++;
        if (firstTime && random.nextDouble() < AUTO_GREETING_SHARE) {
            emit(s, EventType.MESSAGE).sender(Sender.AUTO).send();
        }
        schedule(now + exponential(config.meanPatience().toMillis()), Kind.ABANDON, s, null);
        dispatch(q);
    }

    /** Hands waiting sessions, oldest first, to reps with free capacity (least loaded rep first). */
    private void dispatch(QueueState q) {
        while (q.waiting > 0) {
            Rep rep = q.leastLoadedFreeRep();
            if (rep == null) return;
            Session s = q.waitingSessions.pollFirst();
            if (s.state != State.WAITING) continue; // abandoned while waiting
            q.waiting--;
            rep.load++;
            s.state = State.ASSIGNED;
            s.version++;
            // the rep accepts the work item after a few seconds
            schedule(now + uniform(2 * SECOND, 12 * SECOND), Kind.JOIN, s, rep);
        }
    }

    private void join(Session s, Rep rep) {
        s.rep = rep;
        s.state = State.ACTIVE;
        s.turnsLeft = 1 + geometric(MEAN_TURNS);
        emit(s, EventType.REP_JOINED).rep(rep.id).queue(s.queue.config.name()).send();
        schedule(now + lognormal(15 * SECOND, 0.5), Kind.REP_MESSAGE, s, null);
    }

    private void abandon(Session s) {
        if (s.state != State.WAITING) return;
        s.queue.waiting--; // its slot in waitingSessions is skipped lazily by dispatch
        s.state = State.ENDED;
        s.version++;
        emit(s, EventType.ENDED).by(Actor.END_USER).send();
    }

    private void repMessage(Session s) {
        emit(s, EventType.MESSAGE).sender(Sender.REP).rep(s.rep.id).send();
        if (--s.turnsLeft <= 0) {
            if (random.nextDouble() < USER_ENDS_SHARE) {
                schedule(now + lognormal(40 * SECOND, 0.6), Kind.USER_ENDS, s, null);
            } else {
                schedule(now + lognormal(60 * SECOND, 0.5), Kind.REP_ENDS, s, null);
            }
        } else if (random.nextDouble() < SILENCE_SHARE) {
            long timeout = config.inactivityTimeout().toMillis();
            if (random.nextDouble() < REP_MARKS_INACTIVE_SHARE) {
                schedule(now + uniform(2 * MINUTE, Math.max(3 * MINUTE, timeout - MINUTE)), Kind.REP_INACTIVE, s, null);
            } else {
                schedule(now + timeout, Kind.AUTO_INACTIVE, s, null);
            }
        } else {
            schedule(now + lognormal(35 * SECOND, 0.7), Kind.USER_MESSAGE, s, null);
        }
    }

    private void userMessage(Session s) {
        emit(s, EventType.MESSAGE).sender(Sender.END_USER).send();
        schedule(now + lognormal(30 * SECOND, 0.6), Kind.REP_MESSAGE, s, null);
    }

    /** Silence: the session goes inactive and the rep gets the capacity back. */
    private void inactive(Session s, Actor by) {
        Rep rep = s.rep;
        emit(s, EventType.INACTIVE).by(by).rep(rep.id).send();
        s.state = State.INACTIVE;
        s.rep = null;
        s.version++;
        release(rep);
        if (random.nextDouble() < REACTIVATION_SHARE) {
            long delay = Math.min(lognormal(20 * MINUTE, 1.2), 20 * HOUR);
            schedule(now + delay, Kind.REACTIVATE, s, null);
        } else {
            schedule(now + uniform(24 * HOUR, 30 * HOUR), Kind.SYSTEM_END, s, null);
        }
    }

    private void reactivate(Session s) {
        emit(s, EventType.MESSAGE).sender(Sender.END_USER).send();
        s.version++;
        schedule(now + uniform(SECOND, 3 * SECOND), Kind.REQUEUE, s, null);
    }

    private void systemEnd(Session s) {
        s.state = State.ENDED;
        s.version++;
        emit(s, EventType.ENDED).by(Actor.SYSTEM).send();
    }

    /** End Chat by the end user or the rep, then after-conversation work, during which the rep stays busy. */
    private void endByParticipant(Session s, Actor by) {
        Rep rep = s.rep;
        emit(s, EventType.ENDED).by(by).rep(rep.id).send();
        s.state = State.ENDED;
        s.rep = null;
        s.version++;
        long acw = Math.min(Math.max(lognormal(60 * SECOND, 0.7), 5 * SECOND), 15 * MINUTE);
        schedule(now + acw, Kind.ACW_DONE, s, rep);
    }

    private void acwDone(Session s, Rep rep) {
        emit(s, EventType.ACW_COMPLETED).rep(rep.id).send();
        release(rep);
    }

    private void release(Rep rep) {
        rep.load--;
        dispatch(rep.queue);
    }

    // ---------------------------------------------------------------------------------------------------------
    // scheduling, randomness, emission

    private Action schedule(long time, Kind kind, Session s, Rep rep) {
        Action a = new Action(time, ++actionSeq, kind, s, s == null ? 0 : s.version, rep);
        agenda.add(a);
        return a;
    }

    private long exponential(long mean) {
        return Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * mean));
    }

    private long uniform(long lo, long hi) {
        return lo + (long) (random.nextDouble() * (hi - lo));
    }

    private long lognormal(long median, double sigma) {
        return Math.max(SECOND, Math.round(median * Math.exp(sigma * gaussian())));
    }

    private double gaussian() {
        // Box-Muller on the one generator keeps the stream of draws, and so the output, deterministic
        double u1 = 1 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    private int geometric(double mean) {
        double p = 1 / mean;
        return (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
    }

    private EventBuilder emit(Session s, EventType type) {
        return builder.reset(s, type);
    }

    private final EventBuilder builder = new EventBuilder();

    /** Collects one event's optional fields and hands the event to the sink (with the injections). */
    private final class EventBuilder {
        private Session session;
        private EventType type;
        private Channel channel;
        private String topic;
        private String queueId;
        private String repId;
        private Sender sender;
        private Actor by;
        private NotRoutedReason reason;
        private Boolean caseCreated;

        EventBuilder reset(Session s, EventType t) {
            session = s;
            type = t;
            channel = null;
            topic = null;
            queueId = null;
            repId = null;
            sender = null;
            by = null;
            reason = null;
            caseCreated = null;
            return this;
        }

        EventBuilder channel(Channel v) { channel = v; return this; }
        EventBuilder topic(String v) { topic = v; return this; }
        EventBuilder queue(String v) { queueId = v; return this; }
        EventBuilder rep(String v) { repId = v; return this; }
        EventBuilder sender(Sender v) { sender = v; return this; }
        EventBuilder by(Actor v) { by = v; return this; }
        EventBuilder reason(NotRoutedReason v) { reason = v; return this; }
        EventBuilder caseCreated(boolean v) { caseCreated = v; return this; }

        void send() {
            String eventId = session.id + "-" + (++session.eventSeq);
            SessionEvent e = new SessionEvent(eventId, session.id, type, now, channel, topic, queueId, repId, sender,
                    by, reason, caseCreated);
            emitted++;
            sink.event(e);
            if (config.duplicateShare() > 0 && random.nextDouble() < config.duplicateShare()) {
                duplicates++;
                sink.event(e);
            }
            if (config.invalidShare() > 0 && random.nextDouble() < config.invalidShare()) {
                invalidLines++;
                sink.invalidLine(InvalidLines.corrupt(e, random.nextInt(InvalidLines.KINDS)));
            }
        }
    }

    private static final class QueueState {
        final QueueConfig config;
        final Rep[] reps;
        final int cap;
        final ArrayDeque<Session> waitingSessions = new ArrayDeque<>();
        int waiting;

        QueueState(QueueConfig config, int cap) {
            this.config = config;
            this.cap = cap;
            this.reps = new Rep[config.reps()];
            for (int i = 0; i < reps.length; i++) {
                reps[i] = new Rep(config.name() + "-rep-" + (i + 1), this);
            }
        }

        Rep leastLoadedFreeRep() {
            Rep best = null;
            for (Rep r : reps) {
                if (r.load < cap && (best == null || r.load < best.load)) {
                    best = r;
                    if (r.load == 0) break;
                }
            }
            return best;
        }
    }

    private static final class Rep {
        final String id;
        final QueueState queue;
        int load;

        Rep(String id, QueueState queue) {
            this.id = id;
            this.queue = queue;
        }
    }

    private static final class Session {
        final String id;
        final QueueState queue;
        State state;
        int version;
        int eventSeq;
        int turnsLeft;
        Rep rep;

        Session(String id, QueueState queue) {
            this.id = id;
            this.queue = queue;
        }
    }

    private static final class Action implements Comparable<Action> {
        final long time;
        final long seq;
        final Kind kind;
        final Session session;
        final int version;
        final Rep rep;

        Action(long time, long seq, Kind kind, Session session, int version, Rep rep) {
            this.time = time;
            this.seq = seq;
            this.kind = kind;
            this.session = session;
            this.version = version;
            this.rep = rep;
        }

        @Override
        public int compareTo(Action o) {
            int c = Long.compare(time, o.time);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
