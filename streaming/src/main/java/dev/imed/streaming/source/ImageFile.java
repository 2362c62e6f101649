package dev.imed.streaming.source;

/**
 * One input file as read by {@link ImageFileSource}: its path and its whole content. A file over the
 * byte limit, or one that could not be read, arrives without its bytes and with {@code problem} set, so
 * the decoder can send it to the dead letters rather than fail the job.
 *
 * @param path where the file is
 * @param size its length in bytes
 * @param bytes its content, empty when {@code problem} is set
 * @param problem empty when read, else {@link #TOO_LARGE} or {@link #UNREADABLE}
 * @param detail what went wrong, for people
 */
public record ImageFile(String path, long size, byte[] bytes, String problem, String detail) {
    public static final String TOO_LARGE = "too-large";
    public static final String UNREADABLE = "unreadable";

    public static ImageFile read(String path, byte[] bytes) {
        return new ImageFile(path, bytes.length, bytes, "", "");
    }

    public static ImageFile unread(String path, long size, String problem, String detail) {
        return new ImageFile(path, size, new byte[0], problem, detail);
    }

    public boolean wasRead() {
        return problem == null || problem.isEmpty();
    }
}
