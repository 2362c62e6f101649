package dev.imed.deploy.model;

import dev.imed.core.transform.InputSpec;
import dev.imed.model.student.Student;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A checked student and its registry version, reference counted: {@link LiveModel} holds one
 * reference while the model is current and every request holds one until its batch is done. The
 * native memory is freed when the count reaches zero, so swapping never pulls a model from under a
 * batch that is running on it.
 */
public final class ServedModel {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);

    private final Student student;
    private final long version;
    private final AtomicInteger references = new AtomicInteger(1);

    ServedModel(Student student, long version) {
        this.student = student;
        this.version = version;
    }

    public Student student() {
        return student;
    }

    public long version() {
        return version;
    }

    public InputSpec inputSpec() {
        return student.inputSpec();
    }

    public List<String> classNames() {
        return student.classNames();
    }

    public int classCount() {
        return student.classNames().size();
    }

    /** Takes a reference unless the model is already closed. */
    boolean tryRetain() {
        while (true) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    /** Gives a reference back; the last one closes the student. */
    public void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            student.close();
            LOG.info("closed student version {}", version);
        } else if (left < 0) {
            throw new IllegalStateException("student version " + version + " released more often than retained");
        }
    }

    public boolean isClosed() {
        return references.get() == 0;
    }
}
