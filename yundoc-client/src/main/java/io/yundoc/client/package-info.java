package io.yundoc.client;
