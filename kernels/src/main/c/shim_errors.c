/* Turns native failures into the Java exceptions of dev.baton.kernels.shim. */
#include "shim.h"

#include <stdio.h>
#include <string.h>

static jstring utf(JNIEnv *env, const char *s) {
    return (*env)->NewStringUTF(env, s == NULL ? "" : s);
}

static void throw_plain(JNIEnv *env, const char *class_name, const char *message) {
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls != NULL) {
        (*env)->ThrowNew(env, cls, message);
    }
}

void shim_throw_call(JNIEnv *env, const char *library, const char *call, int code,
                     const char *code_name, const char *detail) {
    jclass cls = (*env)->FindClass(env, "dev/baton/kernels/shim/NativeCallException");
    if (cls == NULL) {
        return; /* NoClassDefFoundError pending */
    }
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>",
        "(Ljava/lang/String;Ljava/lang/String;ILjava/lang/String;Ljava/lang/String;)V");
    if (ctor == NULL) {
        return;
    }
    jobject ex = (*env)->NewObject(env, cls, ctor, utf(env, library), utf(env, call), (jint) code,
                                   utf(env, code_name), utf(env, detail));
    if (ex != NULL) {
        (*env)->Throw(env, (jthrowable) ex);
    }
}

void shim_throw_not_found(JNIEnv *env, const char *library, const char *tried, const char *detail) {
    jclass cls = (*env)->FindClass(env, "dev/baton/kernels/shim/LibraryNotFoundException");
    if (cls == NULL) {
        return;
    }
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>",
        "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V");
    if (ctor == NULL) {
        return;
    }
    jobject ex = (*env)->NewObject(env, cls, ctor, utf(env, library), utf(env, tried), utf(env, detail));
    if (ex != NULL) {
        (*env)->Throw(env, (jthrowable) ex);
    }
}

void shim_throw_illegal_argument(JNIEnv *env, const char *message) {
    throw_plain(env, "java/lang/IllegalArgumentException", message);
}

void shim_throw_illegal_state(JNIEnv *env, const char *message) {
    throw_plain(env, "java/lang/IllegalStateException", message);
}

void shim_throw_out_of_memory(JNIEnv *env, const char *what) {
    char message[256];
    snprintf(message, sizeof message, "host allocation failed: %s", what);
    throw_plain(env, "java/lang/OutOfMemoryError", message);
}
