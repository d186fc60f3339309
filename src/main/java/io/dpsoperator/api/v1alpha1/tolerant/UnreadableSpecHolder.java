package io.dpsoperator.api.v1alpha1.tolerant;

/**
 * A spec subclass that stands for a spec the operator could not read: it holds the partial reading
 * in its ordinary fields and the raw JSON with the problems in an {@link UnreadableSpec}.
 */
public interface UnreadableSpecHolder {
  /** Records why the spec could not be read (called once, right after binding). */
  void hold(UnreadableSpec unreadable);
}
