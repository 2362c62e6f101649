package dev.imed.core.data;

import java.nio.file.Path;

/** A dataset that cannot be read as it is: the message names the place and the problem. */
public class DatasetException extends RuntimeException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    public static DatasetException at(Path path, String problem) {
        return new DatasetException(path + ": " + problem);
    }

    public static DatasetException at(Path path, String problem, Throwable cause) {
        return new DatasetException(path + ": " + problem, cause);
    }
}
