package dev.baton.conf;

/** One entry of the profile index: the name given to {@code --profile} and a one-line summary. */
public record ProfileInfo(String name, String summary) {
}
