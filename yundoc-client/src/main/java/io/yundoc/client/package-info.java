/**
 * The yundoc Java SDK: a client for the KDocs Open Platform API as yundoc (or the hosted platform) serves it.
 *
 * <p>Start with {@link io.yundoc.client.YundocClient#builder()}. The client depends only on the JDK's
 * {@code java.net.http}, Jackson databind and the {@code yundoc-protocol} wire records.
 */
package io.yundoc.client;
