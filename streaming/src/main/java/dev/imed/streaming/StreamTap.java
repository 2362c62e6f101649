package dev.imed.streaming;

import dev.imed.streaming.decode.DecodedImage;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A hook between decoding and the teacher, applied when the job graph is built: for monitoring,
 * sampling or fault injection in recovery drills. {@link #NONE} leaves the stream as it is.
 */
@FunctionalInterface
public interface StreamTap {
    StreamTap NONE = decoded -> decoded;

    DataStream<DecodedImage> apply(DataStream<DecodedImage> decoded);
}
