package io.yundoc.server.inspect;

/** What the inspector lists: rows read by {@link InspectStore}, shown by {@code inspect.jte}. */
public final class Inspected {
    private Inspected() {}

    public record FileRow(
            String fileId,
            String space,
            String ownerId,
            String ownerName,
            String name,
            String kind,
            long size,
            long mtime,
            boolean deleted) {}

    public record LinkRow(
            String fileId,
            String fileName,
            String ownerName,
            String sid,
            String permission,
            String status,
            long expireTime) {}
}
