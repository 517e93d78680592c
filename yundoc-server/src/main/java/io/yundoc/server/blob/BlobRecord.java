package io.yundoc.server.blob;

/** What the database knows of a stored blob. */
public record BlobRecord(String key, long size, String sha1, String md5, long createdAt) {}
