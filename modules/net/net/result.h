#pragma once

#include <net/apierror.h>

#include <functional>
#include <optional>

namespace hall::net {

// A typed answer or the error that stands in its place.
template<typename T>
class Result
{
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(ApiError error) : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const { return *m_value; }
    const T *operator->() const { return &*m_value; }
    const T &operator*() const { return *m_value; }
    const ApiError &error() const { return m_error; }

private:
    std::optional<T> m_value;
    ApiError m_error;
};

// Every asynchronous call takes a context object and one of these: the callback runs in the
// context's thread, once, and is dropped if the context is destroyed first.
template<typename T>
using Callback = std::function<void(const Result<T> &)>;

} // namespace hall::net
